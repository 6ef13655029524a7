// The Apps Script edit journal under Node, against a small fake of SpreadsheetApp's objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const SOURCE = new URL('../../sync/apps_script/journal.gs', import.meta.url);

function letters(col) {
  let out = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) out = String.fromCharCode(65 + ((n - 1) % 26)) + out;
  return out;
}

class FakeRange {
  constructor(sheet, row, col, rows, cols) { Object.assign(this, { sheet, row, col, rows, cols }); }
  getSheet() { return this.sheet; }
  getRow() { return this.row; }
  getColumn() { return this.col; }
  getNumRows() { return this.rows; }
  getNumColumns() { return this.cols; }
  getA1Notation() {
    const first = letters(this.col) + this.row;
    const last = letters(this.col + this.cols - 1) + (this.row + this.rows - 1);
    return first === last ? first : `${first}:${last}`;
  }
  cells(pick) {
    const out = [];
    for (let r = 0; r < this.rows; r++) {
      const line = [];
      for (let c = 0; c < this.cols; c++) line.push(pick(this.sheet.cell(this.row + r, this.col + c)));
      out.push(line);
    }
    return out;
  }
  getValues() { return this.cells((cell) => cell.value); }
  getFormulas() { return this.cells((cell) => cell.formula); }
  setValues(values) {
    assert.equal(values.length, this.rows);
    values.forEach((line, r) => {
      assert.equal(line.length, this.cols);
      line.forEach((value, c) => this.sheet.put(this.row + r, this.col + c, value));
    });
    return this;
  }
}

class FakeSheet {
  constructor(name) { this.name = name; this.grid = new Map(); this.hidden = false; this.protection = null; }
  getName() { return this.name; }
  cell(row, col) { return this.grid.get(`${row},${col}`) || { value: '', formula: '' }; }
  put(row, col, value, formula = '') { this.grid.set(`${row},${col}`, { value, formula }); }
  extent(index) { return Math.max(0, ...[...this.grid.keys()].map((k) => Number(k.split(',')[index]))); }
  getLastRow() { return this.extent(0); }
  getLastColumn() { return this.extent(1); }
  getRange(row, col, rows = 1, cols = 1) { return new FakeRange(this, row, col, rows, cols); }
  appendRow(values) { const row = this.getLastRow() + 1; values.forEach((v, c) => this.put(row, c + 1, v)); }
  hideSheet() { this.hidden = true; }
  protect() {
    const protection = { description: '', warningOnly: false };
    protection.setDescription = (text) => { protection.description = text; return protection; };
    protection.setWarningOnly = (flag) => { protection.warningOnly = flag; return protection; };
    this.protection = protection;
    return protection;
  }
  rows() {
    const out = [];
    for (let r = 1; r <= this.getLastRow(); r++) out.push(this.getRange(r, 1, 1, this.getLastColumn()).getValues()[0]);
    return out;
  }
}

class FakeBook {
  constructor() { this.sheets = []; }
  getSheetByName(name) { return this.sheets.find((s) => s.getName() === name) || null; }
  insertSheet(name) { const sheet = new FakeSheet(name); this.sheets.push(sheet); return sheet; }
}

function load(book) {
  const context = vm.createContext({ SpreadsheetApp: { getActiveSpreadsheet: () => book }, JSON, Date, String });
  vm.runInContext(readFileSync(SOURCE, 'utf8'), context, { filename: 'journal.gs' });
  return context;
}

function customers(book) {
  const sheet = book.insertSheet('Customers');
  ['ID', 'Name', 'Region', 'Sync status'].forEach((h, c) => sheet.put(1, c + 1, h));
  sheet.put(2, 1, 'CU-AAAAAAAA'); sheet.put(2, 2, 'Acme'); sheet.put(2, 3, 'North');
  sheet.put(3, 1, 'CU-BBBBBBBB'); sheet.put(3, 2, 'Globex');
  return sheet;
}

function edit(context, book, range, email) {
  const user = email === undefined ? undefined : { getEmail: () => email };
  context.onEdit({ range, source: book, user });
}

test('a typed cell is journaled with its editor, tab, range, row, ID and value', () => {
  const book = new FakeBook();
  const sheet = customers(book);
  const context = load(book);
  sheet.put(2, 3, 'South');
  edit(context, book, sheet.getRange(2, 3), 'ann@example.com');
  const journal = book.getSheetByName('_journal');
  assert.ok(journal.hidden && journal.protection.warningOnly);
  const [header, line] = journal.rows();
  assert.deepEqual(header, ['Time', 'Editor', 'Tab', 'Range', 'Row', 'ID', 'Values', 'journal 1']);
  assert.match(line[0], /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.deepEqual(line.slice(1, 7), ['ann@example.com', 'Customers', 'C2', 2, 'CU-AAAAAAAA', '["South"]']);
});

test('a paste of many cells writes one line per row, formulas as their text', () => {
  const book = new FakeBook();
  const sheet = customers(book);
  const context = load(book);
  sheet.put(2, 2, 'Acme 2'); sheet.put(2, 3, 2, '=1+1');
  sheet.put(3, 2, 'Globex 2'); sheet.put(3, 3, 'East');
  edit(context, book, sheet.getRange(2, 2, 2, 2), '');
  const lines = book.getSheetByName('_journal').rows().slice(1);
  assert.deepEqual(lines.map((l) => l.slice(2, 7)), [
    ['Customers', 'B2:C2', 2, 'CU-AAAAAAAA', '["Acme 2","=1+1"]'],
    ['Customers', 'B3:C3', 3, 'CU-BBBBBBBB', '["Globex 2","East"]'],
  ]);
});

test('an editor Google does not name is journaled blank, and the journal itself is never journaled', () => {
  const book = new FakeBook();
  const sheet = customers(book);
  const context = load(book);
  edit(context, book, sheet.getRange(3, 3), undefined);
  const journal = book.getSheetByName('_journal');
  assert.equal(journal.rows()[1][1], '');
  edit(context, book, journal.getRange(2, 2), 'ann@example.com');
  assert.equal(journal.rows().length, 2);
});

test('a Chinese header row finds the ID column by its Chinese name; dates are ISO text', () => {
  const book = new FakeBook();
  const sheet = book.insertSheet('客户');
  ['客户名称', '编号', '生日'].forEach((h, c) => sheet.put(1, c + 1, h));
  sheet.put(2, 1, '甲公司'); sheet.put(2, 2, 'CU-CCCCCCCC'); sheet.put(2, 3, new Date(Date.UTC(2024, 4, 1)));
  const context = load(book);
  edit(context, book, sheet.getRange(2, 3), '');
  const line = book.getSheetByName('_journal').rows()[1];
  assert.deepEqual(line.slice(2, 7), ['客户', 'C2', 2, 'CU-CCCCCCCC', '["2024-05-01T00:00:00.000Z"]']);
});
