"""CSV in and out: streamed, spreadsheet-safe downloads and the validated customer import."""
