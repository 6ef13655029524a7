// Sheets emulator grid page: every change goes through the emulator's Sheets API endpoints.
"use strict";

(function () {
  const grid = document.getElementById("grid");
  if (!grid) return;
  const sid = grid.dataset.spreadsheetId;
  const sheetId = Number(grid.dataset.sheetId);
  const title = grid.dataset.sheetTitle;
  const headerRows = Number(grid.dataset.headerRows || "1");
  const status = document.getElementById("status");
  const base = "/v4/spreadsheets/" + encodeURIComponent(sid);
  const tokenMeta = document.querySelector('meta[name="emulator-token"]');
  // A person's edit: the emulator journals it as the sheet's script would (never an API client's).
  const headers = { "Content-Type": "application/json", "X-Emulator-Person": "1" };
  if (tokenMeta) headers["X-Emulator-Token"] = tokenMeta.content;

  // Backgrounds (entered or from conditional formats) come as data-bg: the CSP allows no inline styles.
  grid.querySelectorAll("td[data-bg]").forEach(function (td) {
    td.style.backgroundColor = td.dataset.bg;
  });

  function quoted(name) {
    return "'" + name.replace(/'/g, "''") + "'";
  }

  function letters(col) {
    let out = "";
    let n = col;
    while (n > 0) {
      const rem = (n - 1) % 26;
      out = String.fromCharCode(65 + rem) + out;
      n = Math.floor((n - 1) / 26);
    }
    return out;
  }

  async function call(method, url, body) {
    status.textContent = "Saving…";
    status.className = "";
    const res = await fetch(url, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await res.json().catch(function () { return {}; });
    if (!res.ok) {
      status.textContent = (data.error && data.error.message) || ("HTTP " + res.status);
      throw new Error(status.textContent);
    }
    status.textContent = "Saved";
    status.className = "ok";
    return data;
  }

  function reload() {
    window.location.reload();
  }

  function startEdit(td) {
    if (td.querySelector("input")) return;
    const input = document.createElement("input");
    input.type = "text";
    input.className = "cell-editor";
    input.value = td.dataset.raw || "";
    td.textContent = "";
    td.classList.add("editing");
    td.appendChild(input);
    input.focus();
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") {
        ev.preventDefault();
        const range = quoted(title) + "!" + letters(Number(td.dataset.col)) + td.dataset.row;
        const url = base + "/values/" + encodeURIComponent(range) + "?valueInputOption=USER_ENTERED";
        call("PUT", url, { values: [[input.value]] }).then(reload, function () {});
      } else if (ev.key === "Escape") {
        reload();
      }
    });
  }

  grid.addEventListener("click", function (ev) {
    const target = ev.target;
    const sortButton = target.closest("button.sort");
    if (sortButton) {
      const col = Number(sortButton.dataset.col) - 1;
      call("POST", base + ":batchUpdate", {
        requests: [{
          sortRange: {
            range: { sheetId: sheetId, startRowIndex: headerRows },
            sortSpecs: [{ dimensionIndex: col, sortOrder: sortButton.dataset.order }],
          },
        }],
      }).then(reload, function () {});
      return;
    }
    const deleteButton = target.closest("button.delete-row");
    if (deleteButton) {
      const row = Number(deleteButton.dataset.row) - 1;
      call("POST", base + ":batchUpdate", {
        requests: [{
          deleteDimension: {
            range: { sheetId: sheetId, dimension: "ROWS", startIndex: row, endIndex: row + 1 },
          },
        }],
      }).then(reload, function () {});
      return;
    }
    const td = target.closest("td[data-row]");
    if (td) startEdit(td);
  });

  grid.addEventListener("keydown", function (ev) {
    const td = ev.target.closest && ev.target.closest("td[data-row]");
    if (td && ev.target === td && ev.key === "Enter") {
      ev.preventDefault();
      startEdit(td);
    }
  });

  const form = document.getElementById("add-row");
  if (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      const inputs = Array.from(form.querySelectorAll("input[data-col]"));
      const row = inputs.map(function (i) { return i.value; });
      while (row.length && row[row.length - 1] === "") row.pop();
      if (!row.length) return;
      const range = quoted(title) + "!A1";
      const url = base + "/values/" + encodeURIComponent(range) +
        ":append?valueInputOption=USER_ENTERED&insertDataOption=INSERT_ROWS";
      call("POST", url, { values: [row] }).then(reload, function () {});
    });
  }
})();
