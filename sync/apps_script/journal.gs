/**
 * The edit journal: every edit a person makes in this spreadsheet, appended to a hidden,
 * protected `_journal` tab that the back-office sync reads with the other tabs.
 *
 * Install: Extensions -> Apps Script, paste this file, save (docs/sync.md). `onEdit` is a
 * simple trigger: Google runs it for edits people make in the sheet, never for API writes,
 * so the sync's own writes are not journaled. One line per edited row: when, who (Google
 * names the editor only in some domains), which tab, the A1 range, the row, the row's ID and
 * the row's new values there (a formula as its text), so a sort made later cannot hide which
 * record was edited.
 */
var JOURNAL = '_journal';
var JOURNAL_HEADER = ['Time', 'Editor', 'Tab', 'Range', 'Row', 'ID', 'Values', 'journal 1'];
// The ID column's headers in both languages, normalised as the sync matches them.
var ID_HEADERS = ['id', 'ref', 'recordid', '编号', '计划编号', 'id号', '工单编号'];

function normaliseHeader_(text) {
  return String(text == null ? '' : text).normalize('NFKC').replace(/[\s_]+/g, '').toLowerCase();
}

function cellText_(value) {
  if (value instanceof Date) return value.toISOString();
  return value;
}

function journalSheet_(book) {
  var journal = book.getSheetByName(JOURNAL);
  if (journal) return journal;
  journal = book.insertSheet(JOURNAL);
  journal.appendRow(JOURNAL_HEADER);
  journal.hideSheet();
  journal.protect().setDescription('Edit journal: written by the sheet, read by the sync').setWarningOnly(true);
  return journal;
}

function idColumn_(sheet) {
  var width = sheet.getLastColumn();
  if (width < 1) return 0;
  var header = sheet.getRange(1, 1, 1, width).getValues()[0];
  for (var i = 0; i < header.length; i++) {
    if (ID_HEADERS.indexOf(normaliseHeader_(header[i])) >= 0) return i + 1;
  }
  return 0;
}

/** The journal lines for one edit of `range` (as `onEdit` gets it), at `when` by `editor`. */
function journalLines_(range, when, editor) {
  var sheet = range.getSheet();
  var top = range.getRow(), left = range.getColumn();
  var rows = range.getNumRows(), cols = range.getNumColumns();
  var values = range.getValues(), formulas = range.getFormulas();
  var idCol = idColumn_(sheet);
  var ids = idCol ? sheet.getRange(top, idCol, rows, 1).getValues() : null;
  var lines = [];
  for (var r = 0; r < rows; r++) {
    var row = [];
    for (var c = 0; c < cols; c++) row.push(formulas[r][c] ? formulas[r][c] : cellText_(values[r][c]));
    var a1 = sheet.getRange(top + r, left, 1, cols).getA1Notation();
    lines.push([when, editor, sheet.getName(), a1, top + r, ids ? String(ids[r][0]) : '', JSON.stringify(row)]);
  }
  return lines;
}

function onEdit(e) {
  if (!e || !e.range) return;
  var sheet = e.range.getSheet();
  if (sheet.getName().charAt(0) === '_') return;  // the journal (and other system tabs) is not journaled
  var editor = '';
  try {
    editor = (e.user && e.user.getEmail()) || '';
  } catch (err) {
    editor = '';  // Google gives no editor outside the owner's domain
  }
  var lines = journalLines_(e.range, new Date().toISOString(), editor);
  var book = e.source || SpreadsheetApp.getActiveSpreadsheet();
  var journal = journalSheet_(book);
  journal.getRange(journal.getLastRow() + 1, 1, lines.length, lines[0].length).setValues(lines);
}
