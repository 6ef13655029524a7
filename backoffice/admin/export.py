"""The CSV download every list offers: the list's own search and filters, all pages, streamed."""
from __future__ import annotations

from flask import Response, request, stream_with_context
from flask_admin import expose
from flask_login import current_user

from .. import clock
from ..csvio.export import csv_lines, rows_of


class ExportMixin:
    """Mixed into a SecureModelView; rows come from its scoped `filtered_query`."""
    export_columns: list = []
    export_name = "records"
    import_endpoint: str | None = None
    list_template = "admin/list_with_export.html"

    @expose("/export.csv")
    def export_csv(self):
        view_args = self._get_list_extra_args()
        # Built before streaming starts: the scope is the signed-in user's, read once.
        query = self.filtered_query(view_args.search, view_args.filters)
        mask = not current_user.may_export_contacts
        bom = request.args.get("bom") == "1"
        lines = csv_lines(rows_of(query, self.export_columns), self.export_columns,
                          mask_contacts=mask, bom=bom)
        filename = f"{self.export_name}-{clock.today().isoformat()}.csv"
        return Response(stream_with_context(lines), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                                 "Content-Type": "text/csv; charset=utf-8"})
