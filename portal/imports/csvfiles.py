"""Read the CSV files of an import, whatever the exporting system: no Flask, no database.

UTF-8 with or without a byte-order mark, CRLF or LF line ends, quoted or bare fields,
commas (or semicolons or tabs, as the header line shows), columns found by header name in
any order (case and spaces ignored), extra columns kept aside. Every problem becomes a
RowError naming the file, line, column and value.
"""

import csv
import io
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

from portal.core.fields import HIGHEST_GRADE, MAX_YEAR, MIN_YEAR, sane_year


@dataclass(frozen=True)
class RowError:
    """One thing wrong with the input, where it is and why."""

    file: str
    line: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line else self.file
        if self.column:
            where += f", column {self.column}"
        value = f" {self.value!r}" if self.value else ""
        return f"{where}:{value} {self.reason}"


class ImportFailed(Exception):
    """The input cannot be imported; nothing was changed."""

    status = 422

    def __init__(self, errors: list[RowError]):
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors

    @classmethod
    def single(cls, file: str, reason: str) -> "ImportFailed":
        """Return a failure about a whole file rather than one of its cells."""
        return cls([RowError(file, 0, "", "", reason)])


@dataclass
class Row:
    """One data row: its values by normalised column name, and where it came from."""

    file: str
    line: int
    values: dict[str, str]
    extensions: dict[str, str] = field(default_factory=dict)

    def get(self, column: str) -> str:
        return self.values.get(_key(column), "").strip()

    def error(self, column: str, reason: str) -> RowError:
        return RowError(self.file, self.line, column, self.get(column), reason)


@cache
def _key(column: str) -> str:
    return column.strip().lstrip("\ufeff").lower()


# The CSV a zip may unpack to: a district's roster is tens of megabytes, a zip bomb (a few
# megabytes that unpack to gigabytes) is refused before anything is unpacked.
MAX_UNPACKED_BYTES = 512 * 1024 * 1024


def read_source(path: Path, *, max_unpacked: int = MAX_UNPACKED_BYTES) -> dict[str, bytes]:
    """Return the CSV files of a folder or a zip by lower-case file name."""
    path = Path(path)
    if path.is_dir():
        files = [item for item in path.iterdir() if item.suffix.lower() == ".csv"]
        _refuse_twice_named(path.name, [item.name for item in files])
        return {item.name.lower(): item.read_bytes() for item in files}
    if not path.exists():
        raise ImportFailed.single(path.name, "no such file or folder")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ImportFailed.single(path.name, "is neither a folder nor a zip file") from None
    with archive:
        members = [info for info in archive.infolist() if info.filename.lower()
                   .endswith(".csv") and "__macosx" not in info.filename.lower()]
        _refuse_twice_named(path.name, [info.filename for info in members])
        unpacked = sum(info.file_size for info in members)
        if unpacked > max_unpacked:
            raise ImportFailed.single(path.name, f"unpacks to {unpacked / 2**20:,.0f} MB of CSV, "
                                                 f"more than the {max_unpacked / 2**20:,.0f} MB "
                                                 "an import reads")
        try:
            return {Path(info.filename).name.lower(): archive.read(info) for info in members}
        except NotImplementedError:  # (a RuntimeError too: first)
            raise ImportFailed.single(path.name, "is packed in a way the portal cannot unpack: "
                                                 "save it as an ordinary zip") from None
        except RuntimeError:  # the zip module's word for a member that needs a password
            raise ImportFailed.single(path.name, "is protected by a password: save the zip "
                                                 "without one") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
            raise ImportFailed.single(path.name, "is damaged (its files do not unpack): "
                                                 "export it again") from None


def _refuse_twice_named(source: str, names: list[str]) -> None:
    """Refuse a set holding one file name twice (in two folders of a zip, or in two cases):
    which of them is the roster cannot be told."""
    paths: dict[str, list[str]] = {}
    for name in names:
        paths.setdefault(Path(name).name.lower(), []).append(name)
    for name, found in paths.items():
        if len(found) > 1:
            raise ImportFailed.single(source, f"holds {name} twice ({' and '.join(found)}): "
                                              "keep one set of files")


def read_rows(name: str, data: bytes, *, required: tuple[str, ...]) -> list[Row]:
    """Parse one CSV file into rows; refuse it if a required column is missing."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = len(data[:exc.start + 1].splitlines())  # \n, \r\n or an old Mac's \r
        raise ImportFailed([RowError(name, line, "", "", "is not UTF-8 text (in a spreadsheet, "
                                                         "save it as \"CSV UTF-8\")")]) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    written = next(reader, [])
    header = [_key(column) for column in written]
    missing = [column for column in required if _key(column) not in header]
    if missing:
        raise ImportFailed([RowError(name, 1, column, "", "required column is missing")
                            for column in missing])
    extra = [column for column in dict.fromkeys(header)
             if column.startswith(("metadata.", "ext_", "ext."))]
    rows, nul = [], "\x00" in text  # a database cannot store it: refused where it is
    for cells in reader:
        if not "".join(cells).strip():
            continue
        if len(cells) > len(header):
            # an unquoted comma in a name ("Smith, Jr.") shifts every cell after it
            raise ImportFailed([RowError(
                name, reader.line_num, "", ",".join(cells[len(header):]),
                f"has {len(cells)} cells where the header has {len(header)} (a comma in a "
                "value must be inside quotes)")])
        values = dict(zip(header, cells, strict=False))
        if nul and any("\x00" in value for value in values.values()):
            raise ImportFailed([RowError(name, reader.line_num, column.strip(),
                                         value.replace("\x00", ""), "contains a NUL character")
                                for column, value in zip(written, cells, strict=False)
                                if "\x00" in value])
        extensions = {column: values[column] for column in extra if column in values}
        rows.append(Row(name, reader.line_num, values, extensions))
    return rows


def _delimiter(text: str) -> str:
    """A comma, unless the header line has none but semicolons or tabs: spreadsheets in
    languages whose decimal mark is a comma save their CSV with semicolons."""
    header = text.partition("\n")[0].partition("\r")[0]
    if "," not in header:
        for delimiter in (";", "\t"):
            if delimiter in header:
                return delimiter
    return ","


def parse_date(row: Row, column: str, *, required: bool = False) -> date | None:
    """Read a plain date or a full timestamp; refuse an impossible one."""
    value = row.get(column)
    if not value:
        if required:
            raise ImportFailed([row.error(column, "a date is required")])
        return None
    try:
        if "T" in value or " " in value:
            day = datetime.fromisoformat(value.replace(" ", "T")).date()
        else:
            day = date.fromisoformat(value)
    except ValueError:
        raise ImportFailed([row.error(column, "is not a date (expected YYYY-MM-DD)")]) from None
    if not sane_year(day.year):  # 0001-01-01 or 9999-12-31: a placeholder, not a school's date
        raise ImportFailed([row.error(column, f"is not a date a school can have (years "
                                              f"{MIN_YEAR} to {MAX_YEAR})")])
    return day


def parse_text(row: Row, column: str, longest: int) -> str:
    """Return the cell's text; refuse one longer than the portal keeps."""
    value = row.get(column)
    if len(value) > longest:
        raise ImportFailed([row.error(column, f"is longer than {longest} characters")])
    return value


def parse_enum(row: Row, column: str, allowed: tuple[str, ...], *, default: str = "") -> str:
    """Return the allowed value matching the cell whatever its case; refuse any other."""
    value = row.get(column)
    if not value:
        if default:
            return default
        raise ImportFailed([row.error(column, f"is required; one of {', '.join(allowed)}")])
    choice = _choices(allowed).get(value.lower())
    if choice is None:
        raise ImportFailed([row.error(column, f"is not one of {', '.join(allowed)}")])
    return choice


@cache
def _choices(allowed: tuple[str, ...]) -> dict[str, str]:
    """Return each allowed value by its lower case (the first of any that look alike)."""
    choices: dict[str, str] = {}
    for choice in allowed:
        choices.setdefault(choice.lower(), choice)
    return choices


def parse_list(row: Row, column: str) -> list[str]:
    """Split a multi-value cell ("09,10") into its values."""
    return [part.strip() for part in row.get(column).split(",") if part.strip()]


def parse_grades(row: Row, column: str) -> list[str]:
    """Split a grades cell ("09,10") into its values; refuse a number no grade level has.
    Other values (KG, PK, UG, a school's own) are kept as written."""
    grades = parse_list(row, column)
    if any(grade.isdecimal() and int(grade) > HIGHEST_GRADE for grade in grades):
        raise ImportFailed([row.error(column, f"is not a grade level (KG, PK or a number up to "
                                              f"{HIGHEST_GRADE})")])
    return grades


def parse_status(row: Row) -> bool:
    """Return True for an active record: empty or active; tobedeleted or 1.0's inactive not."""
    status = parse_enum(row, "status", ("active", "tobedeleted", "inactive"), default="active")
    return status == "active"


def parse_bool(row: Row, column: str, *, default: bool) -> bool:
    """Read true/false in any case; an empty cell gives the default."""
    return parse_enum(row, column, ("true", "false"), default=str(default).lower()) == "true"
