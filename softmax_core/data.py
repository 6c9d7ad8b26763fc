"""Reading a table of examples into the tensors the lesson trains on.

One loader serves the command line, the pages and uploaded files. It turns a CSV
into X (m, n) float32 features and y (m,) int64 labels in 0..k-1, and it refuses
what it cannot use with a DataError whose message says what is wrong, where, and
what to do about it.

Line numbers count the way a person sees the file: the header is line 1, so data
row i (counted from 0) is line i + 2.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from pandas.api.types import is_integer_dtype, is_numeric_dtype

IRIS_PATH = Path(__file__).parents[1] / "data" / "Iris.csv"
# A number with a fractional part or an exponent, as data holds and names do not.
DECIMAL_NUMBER = r"[-+]?(\d+[.,]\d*|[.,]\d+)([eE][-+]?\d+)?|[-+]?\d+[eE][-+]?\d+"

BUILTIN_DATASETS: dict[str, str] = {
    "iris": "Iris (150 flowers, 4 features, 3 classes)",
    "wine": "Wine (178 wines, 13 features, 3 classes)",
    "breast_cancer": "Breast cancer (569 tumours, 30 features, 2 classes)",
}

# More distinct labels than this almost always means a measurement was chosen as
# the label by mistake.
MAX_CLASSES = 20

# Cell texts that mean "no value", compared after stripping spaces, ignoring case.
MISSING_MARKERS = frozenset({"", "na", "n/a", "?", "nan"})

# Candidate separators; the one that splits the header into most fields wins.
SEPARATORS = (",", ";", "\t")

# Control bytes other than tab, line feed, form feed and carriage return. Text
# files have next to none; images, zip files (.xlsx) and the like have many.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\x0c\r") + b"\x7f"


class DataError(ValueError):
    """A file or table the lesson cannot use; the message says what and how to fix it.

    `kind` is a short tag a page can branch on ("missing_values", "non_numeric",
    ...). `columns` names the columns concerned, if any, so that a page can offer
    to leave them out.
    """

    def __init__(self, message: str, kind: str, columns: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.kind = kind
        self.columns = tuple(columns)


# eq=False: comparing tensors with == gives a tensor, not a bool.
@dataclass(frozen=True, eq=False)
class Dataset:
    """Examples ready for training, and what the loader did to get them.

    X (m, n) float32 holds one example per row; y (m,) int64 holds its label in
    0..k-1. class_names[j] names label j; labels are numbered in the order the
    classes first appear in the file. rows[i] is the 0-based data-row number of
    example i in the file, so it stands on line rows[i] + 2.

    notices say neutrally what the loader did; warnings point at possible problems
    a person should see. similar_labels lists groups of label spellings that differ
    only by spaces or case, whether or not they were merged.
    """

    X: torch.Tensor
    y: torch.Tensor
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]
    rows: tuple[int, ...]
    notices: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    similar_labels: tuple[tuple[str, ...], ...] = ()

    @property
    def m(self) -> int:
        """The number of examples."""
        return self.X.shape[0]

    @property
    def n(self) -> int:
        """The number of features."""
        return self.X.shape[1]

    @property
    def k(self) -> int:
        """The number of classes."""
        return len(self.class_names)


def load_csv(
    source: str | os.PathLike | bytes,
    label_column: str | None = None,
    feature_columns: Sequence[str] | None = None,
    *,
    drop_missing: bool = False,
    merge_similar_labels: bool = False,
) -> Dataset:
    """Read a CSV (a path, or the raw bytes of an upload) into a Dataset.

    The same as read_table followed by dataset_from_frame; see those for the rules.
    """
    frame, notices = read_table(source)
    return dataset_from_frame(
        frame,
        label_column,
        feature_columns,
        drop_missing=drop_missing,
        merge_similar_labels=merge_similar_labels,
        notices=notices,
    )


def load_builtin(name: str) -> Dataset:
    """One of BUILTIN_DATASETS: "iris" from data/Iris.csv, the others from sklearn.

    Wine (m=178, n=13, k=3) and breast cancer (m=569, n=30, k=2) ship inside
    scikit-learn, so nothing is downloaded.
    """
    if name == "iris":
        return load_csv(IRIS_PATH)
    if name in BUILTIN_DATASETS:
        return _load_from_sklearn(name)
    raise DataError(
        f"There is no built-in data set '{name}'. "
        f"Choose one of {_quoted(BUILTIN_DATASETS)}.",
        "unknown_dataset",
    )


def _load_from_sklearn(name: str) -> Dataset:
    """A scikit-learn toy data set, passed through the same checks as a file."""
    # Imported here rather than at the top: scikit-learn adds about 0.6 s to the
    # start of every page, and only these two data sets need it.
    from sklearn import datasets

    bunch = getattr(datasets, f"load_{name}")()
    frame = pd.DataFrame(bunch.data, columns=list(bunch.feature_names))
    frame["class"] = bunch.target_names[bunch.target]
    return dataset_from_frame(frame, label_column="class")


def read_table(
    source: str | os.PathLike | bytes,
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Parse a CSV, given as a path or as the raw bytes of an upload.

    Returns the table and notices saying how it was read. Columns whose values all
    read as numbers become numeric; the others keep their text. Missing cells
    (blank, NA, N/A, ?, nan) become NaN. The index holds each row's 0-based
    data-row number, so row i stands on line i + 2 of the file; blank lines are
    skipped but counted. Line numbers assume one line per row: a quoted value that
    spans lines shifts the numbers of the rows after it.
    """
    name = _source_name(source)
    text, notices = _decode(_read_bytes(source), name)
    if not text.strip():
        raise DataError(
            f"{name} is empty. The lesson needs a header line of column names, "
            "then one line per example.",
            "empty",
        )
    if not text.splitlines()[0].strip():
        raise DataError(
            f"{name} starts with a blank line, but line 1 should hold the column "
            "names. Remove the blank lines above them.",
            "blank_header",
        )

    first = text.splitlines()[0].strip()
    _check_is_a_table(text, name)
    if re.fullmatch(r"sep=.", first, flags=re.IGNORECASE):
        raise DataError(
            f"{name} begins with {first!r}, Excel's note of the separator, where "
            "the column names should be. Delete that line so that the names come "
            "first, and load the file again.",
            "separator_line",
        )

    # Choose the separator, and refuse lines pandas would misread, before parsing.
    separator = _sniff_separator(text)
    width = _check_field_counts(text, separator)
    frame = _parse(text, separator, width, name)
    notices += _header_notices(tuple(frame.columns))

    # Drop blank lines (their numbers stay counted in the index), then find numbers.
    frame = frame.rename(columns=str.strip)
    blank = _blank_rows(frame)
    frame, spelled = _read_numbers(frame[~blank], decimal_comma=separator != ",")
    notices += _reading_notices(separator, int(blank.sum()), spelled)
    frame, notices = _drop_empty_unnamed(frame, notices)
    notices += _renaming_notices(text, separator, tuple(frame.columns))
    return frame, notices


def _renaming_notices(
    text: str, separator: str, columns: tuple[str, ...]
) -> tuple[str, ...]:
    """Say which header names pandas changed: a name given twice, or none at all.

    pandas calls the second column named 'a' 'a.1', and a column with no name
    'Unnamed: 2' (its position from 0); a person would look for the names the
    file has.
    """
    header = [
        name.strip()
        for name in next(csv.reader([text.splitlines()[0]], delimiter=separator))
    ]
    notices = []
    twice = sorted({name for name in header if name and header.count(name) > 1})
    for name in twice:
        copies = [
            column
            for column in columns
            if re.fullmatch(re.escape(name) + r"\.\d+", str(column))
        ]
        if copies:
            later = "the second is" if len(copies) == 1 else "the later ones are"
            notices.append(
                f"The header names {name!r} more than once; {later} called "
                f"{_quoted(copies)} here."
            )
    # A first column with no name holds the row numbers pandas writes, and is
    # said of where it is left out.
    unnamed = [
        column for column in columns[1:] if re.fullmatch(r"Unnamed: \d+", str(column))
    ]
    if unnamed:
        they = "it is" if len(unnamed) == 1 else "they are"
        notices.append(
            f"The header gives no name to {_count(len(unnamed), 'column')}; "
            f"{they} called {_quoted(unnamed)} here."
        )
    return tuple(notices)


def _drop_empty_unnamed(
    frame: pd.DataFrame, notices: tuple[str, ...]
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Drop columns with no name and no values, as spreadsheets leave at the end.

    A header line such as `x,y,kind,,,` names three columns and leaves three
    empty ones, which pandas calls 'Unnamed: 3' and so on.
    """
    empty = [
        column
        for column in frame.columns
        if re.fullmatch(r"(Unnamed: \d+)?", str(column)) and frame[column].isna().all()
    ]
    if not empty:
        return frame, notices
    notice = f"Left out {_count(len(empty), 'column')} with no name and no values."
    return frame.drop(columns=empty), (*notices, notice)


def _check_is_a_table(text: str, name: str) -> None:
    """Refuse JSON, HTML and XML, which a CSV reader turns into nonsense columns."""
    whole = text.strip()
    kind = None
    if whole[:1] + whole[-1:] in ("[]", "{}"):
        kind = "JSON"
    elif re.match(r"<(!|\?|html\b|head\b|body\b|table\b|svg\b)", whole, re.I):
        kind = "HTML or XML"
    if kind:
        raise DataError(
            f"{name} looks like {kind} (it starts with {whole[:1]!r}), not a table "
            "of values separated by commas. Save the data as CSV, a header line "
            "of column names and then one line per example, and load that file.",
            "not_a_table",
        )


def _header_notices(columns: tuple[str, ...]) -> tuple[str, ...]:
    """A first line of numbers may be a row of data read as the column names.

    Said, not refused: some tables do name their columns by numbers, such as
    the wavelengths of a spectrum.
    """
    decimals = [
        column for column in columns if re.fullmatch(DECIMAL_NUMBER, column.strip())
    ]
    if len(decimals) < 2:
        return ()
    return (
        f"The first line, read as the column names, holds numbers "
        f"({', '.join(decimals[:3])}). If the file has no header line, its first "
        "example was taken for the names and left out of the data: add a first "
        "line with a name for each column, such as "
        f"{','.join(f'x{i}' for i in range(1, len(columns)))},label.",
    )


def _parse(text: str, separator: str, width: int, name: str) -> pd.DataFrame:
    """Every cell as text, so that the spelling of labels survives.

    Blank lines become rows of empty cells, so the index keeps counting them.
    """
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            usecols=range(width),
        )
    except pd.errors.ParserError as error:
        # The csv module has passed the file already, so this should not happen.
        raise DataError(
            f"{name} could not be read as a table (pandas says: {error}). Check that "
            "it is a CSV file with the same number of fields on every line.",
            "unreadable",
        ) from error


def _blank_rows(frame: pd.DataFrame) -> pd.Series:
    """True for each row whose cells are all empty or spaces (a blank line)."""
    empty = frame.fillna("").apply(lambda column: column.str.strip() == "")
    return empty.all(axis=1)


def _source_name(source: str | os.PathLike | bytes) -> str:
    """How messages refer to the source: "File 'x.csv'" or "The uploaded file"."""
    if isinstance(source, (bytes, bytearray)):
        return "The uploaded file"
    return f"File '{os.fspath(source)}'"


def _read_bytes(source: str | os.PathLike | bytes) -> bytes:
    """The bytes of an upload as they are, or of the file at a path."""
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    path = Path(source)
    if path.is_dir():
        raise DataError(
            f"'{path}' is a folder, not a file. Give the path of a CSV file in it.",
            "missing_file",
        )
    if not path.is_file():
        # A relative path is looked up from the folder the program runs in.
        looked = "" if path.is_absolute() else f" (looked for {path.absolute()})"
        raise DataError(
            f"File '{path}' does not exist{looked}. Check the file name and its "
            "folder.",
            "missing_file",
        )
    return path.read_bytes()


def _decode(raw: bytes, name: str) -> tuple[str, tuple[str, ...]]:
    """The text of the file, and a notice when it was not UTF-8."""
    # Excel's "Unicode text" is UTF-16; its NUL bytes do not make it binary.
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), ("Read the file as UTF-16 text.",)
    if _looks_binary(raw):
        raise DataError(
            f"{name} is not a text file: it holds NUL or other control bytes, as a "
            "spreadsheet or an image does. Save the table as CSV (in Excel: "
            "File > Save As > CSV UTF-8) and load that file.",
            "not_text",
        )

    # utf-8-sig drops the byte-order mark Excel writes, so the first column name
    # comes out clean. Windows-1252 (a superset of Latin-1) is the usual other.
    try:
        return raw.decode("utf-8-sig"), ()
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    notice = (
        "The file is not UTF-8, so it was read as Windows-1252 (Western "
        "European); check that accented letters look right."
    )
    return text, (notice,)


def _looks_binary(raw: bytes) -> bool:
    """True for bytes with a NUL, or with more than 5% control bytes."""
    if b"\x00" in raw:
        return True
    control = len(raw) - len(raw.translate(None, _CONTROL_BYTES))
    return control > 0.05 * len(raw)


def _sniff_separator(text: str) -> str:
    """The separator that splits the header line into most fields; comma on a tie."""
    header = text.splitlines()[0]
    fields = {sep: len(next(csv.reader([header], delimiter=sep))) for sep in SEPARATORS}
    return max(SEPARATORS, key=fields.__getitem__)


def _check_field_counts(text: str, separator: str) -> int:
    """The number of header fields; refuse lines pandas would misread.

    Empty extra fields (a separator at the end of each line) are common and
    harmless. Extra fields with text would shift the values into wrong columns, and
    a quote that is never closed would swallow the rest of the file.
    """
    reader = csv.reader(io.StringIO(text), delimiter=separator, strict=True)
    start = 1  # the line where the next record starts; a record may span lines
    try:
        width = len(next(reader))
        start = reader.line_num + 1
        for fields in reader:
            if any(field.strip() for field in fields[width:]):
                raise _extra_fields(start, len(fields), width)
            start = reader.line_num + 1
    except csv.Error as error:
        raise DataError(
            f"Line {start} could not be read ({error}). Check its quote marks: a "
            'value that opens with a quote (") must close with one just before the '
            "next separator or the end of the line.",
            "unreadable",
        ) from error
    return width


def _extra_fields(line: int, fields: int, width: int) -> DataError:
    return DataError(
        f"Line {line} has {fields} fields, but the header line has {width}. Remove "
        "the extra separator, or put quotes around a value that contains one.",
        "extra_fields",
    )


def _read_numbers(
    frame: pd.DataFrame, decimal_comma: bool
) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Mark missing cells as NaN and turn columns of numbers into numeric columns.

    Returns the table and, for each spelling other than the plain one ("comma",
    "grouped", "grouped_us"), the names of the columns that were read with it.
    """
    columns = {}
    spelled: dict[str, list[str]] = {"comma": [], "grouped": [], "grouped_us": []}
    for name, text in frame.items():
        columns[name], spelling = _read_column(text, decimal_comma)
        if spelling != "plain":
            spelled[spelling].append(name)
    return pd.DataFrame(columns, index=frame.index), spelled


# 1.234.567,8 and 1,234,567.8: thousands grouped by one mark, decimals after
# the other; values without a grouping mark match too (12,5 or 7).
GROUPED_BY = {
    ".": r"[+-]?\d{1,3}(\.\d{3})+(,\d*)?|[+-]?\d*(,\d*)?",
    ",": r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?|[+-]?\d*(\.\d*)?",
}


def _read_column(text: pd.Series, decimal_comma: bool) -> tuple[pd.Series, str]:
    """One column as numbers if every value reads as one, else as text.

    Returns the column and how its numbers were spelled: "plain" (5.1),
    "comma" (5,1 for 5.1), "grouped" (1.234,5 for 1234.5) or "grouped_us"
    (1,234.5 for 1234.5, in a comma-separated file whose fields are quoted).
    """
    stripped = text.str.strip()
    missing = stripped.str.casefold().isin(MISSING_MARKERS)
    values = stripped[~missing]

    # Try the values as they are, then, where the separator allows a decimal
    # comma, with commas as decimal points, then with dots grouping thousands;
    # in a comma-separated file, with commas grouping thousands.
    spellings = {"plain": values}
    if decimal_comma:
        spellings["comma"] = values.str.replace(",", ".")
        if values.str.fullmatch(GROUPED_BY["."]).all():
            ungrouped = values.str.replace(".", "", regex=False)
            spellings["grouped"] = ungrouped.str.replace(",", ".", regex=False)
    elif values.str.fullmatch(GROUPED_BY[","]).all():
        spellings["grouped_us"] = values.str.replace(",", "", regex=False)
    for spelling, written in spellings.items():
        numbers = pd.to_numeric(written, errors="coerce")
        if numbers.notna().all():
            return numbers.reindex(text.index), spelling
    return text.mask(missing), "plain"


def _reading_notices(
    separator: str, blank_lines: int, spelled: dict[str, list[str]]
) -> tuple[str, ...]:
    """Notices about the separator, blank lines and decimal commas, when unusual."""
    notices = []
    if separator != ",":
        name = {";": "semicolons", "\t": "tabs"}[separator]
        notices.append(f"Read the columns as separated by {name}.")
    if blank_lines:
        notices.append(f"Skipped {_count(blank_lines, 'blank line')}.")
    if spelled["comma"]:
        notices.append(
            f"Read decimal commas as decimal points (5,1 as 5.1) in "
            f"{_columns(spelled['comma'])}."
        )
    if spelled["grouped"]:
        notices.append(
            "Read dots as thousands separators and commas as decimal points "
            f"(1.234,5 as 1234.5) in {_columns(spelled['grouped'])}."
        )
    if spelled["grouped_us"]:
        notices.append(
            "Read commas as thousands separators (1,234.5 as 1234.5) in "
            f"{_columns(spelled['grouped_us'])}."
        )
    return tuple(notices)


def dataset_from_frame(
    frame: pd.DataFrame,
    label_column: str | None = None,
    feature_columns: Sequence[str] | None = None,
    *,
    drop_missing: bool = False,
    merge_similar_labels: bool = False,
    notices: Sequence[str] = (),
) -> Dataset:
    """Choose the label and the features of a table, check them and encode them.

    frame is a table as read_table returns it: NaN for missing cells, and an index
    holding each row's 0-based data-row number (any other index is renumbered from
    0). The label is label_column if given, else a column named Species (any case),
    else the last column of text, else the last column. The features are
    feature_columns if given, else every other column except an id column and a
    leading unnamed column of row numbers.

    Returns X (m, n) float32 and y (m,) int64, with labels 0..k-1 in the order the
    classes first appear. notices are passed on, ahead of the ones added here.
    """
    if len(frame) == 0:
        raise DataError(
            "The file has a header line but no data rows. Add the examples below "
            "the header, one per line.",
            "header_only",
        )
    frame = _with_row_numbers(frame)

    # Choose the columns; keep them in file order so messages follow the file.
    label = _choose_label(frame, label_column, feature_columns)
    features, dropped = _choose_features(frame, label, feature_columns)
    table = frame[[name for name in frame.columns if name in {*features, label}]]
    table, dropped_rows = _handle_missing(table, features, drop_missing)
    rows = tuple(int(row) for row in table.index)

    # Labels before features: a wrong label column explains errors in the features.
    labels = _label_texts(table[label])
    similar = _similar_labels(labels)
    if merge_similar_labels:
        labels = _merge_spellings(labels, similar)
    class_names, y = _encode_labels(labels, label, frame)
    X = _feature_tensor(_as_numbers(table, features), features)

    # Say what was done, and what looks doubtful.
    notices = [*notices, *(_id_notice(name) for name in dropped)]
    if dropped_rows:
        notices.append(_dropped_rows_notice(dropped_rows, len(rows)))
    warnings = _constant_warnings(X, features) + _shape_warnings(X)
    warnings += _single_row_warnings(y, class_names, rows)
    if merge_similar_labels:
        notices += [_merged_notice(group) for group in similar]
    else:
        warnings += [_similar_warning(group) for group in similar]
    return Dataset(
        X=X,
        y=y,
        feature_names=tuple(features),
        class_names=class_names,
        rows=rows,
        notices=tuple(notices),
        warnings=tuple(warnings),
        similar_labels=similar,
    )


def default_columns(frame: pd.DataFrame) -> tuple[str, tuple[str, ...]]:
    """The label and the features dataset_from_frame picks when given neither.

    A page offers these as its first choice, so that it starts where the command
    line does. The features leave out an id column and a leading unnamed column
    of row numbers, but not columns of text.
    """
    frame = _with_row_numbers(frame)
    label = _choose_label(frame, None, None)
    others = [name for name in frame.columns if name != label]
    features = [name for name in others if not _is_row_number_column(frame, name)]
    return label, tuple(features)


def _with_row_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with text column names and an index of distinct row numbers."""
    frame = frame.rename(columns=str)
    if not (is_integer_dtype(frame.index) and frame.index.is_unique):
        frame = frame.reset_index(drop=True)
    return frame


def _is_row_number_column(frame: pd.DataFrame, name: str) -> bool:
    """True for an id column, or a leading unnamed column of numbers (an index)."""
    if name.casefold() == "id":
        return True
    unnamed = not name.strip() or name.startswith("Unnamed:")
    return name == frame.columns[0] and unnamed and is_numeric_dtype(frame[name])


def _choose_label(
    frame: pd.DataFrame, label_column: str | None, feature_columns: Sequence[str] | None
) -> str:
    """label_column, else Species, else the last text column, else the last one."""
    if label_column is not None:
        if label_column not in frame.columns:
            raise DataError(
                f"There is no column '{label_column}' to use as the label. The "
                f"columns are {_quoted(frame.columns)}; choose one of them.",
                "no_label",
                (label_column,),
            )
        return label_column

    # Row numbers and the chosen features cannot be the label.
    taken = set(feature_columns or ())
    candidates = [
        name
        for name in frame.columns
        if name not in taken and not _is_row_number_column(frame, name)
    ]
    species = [name for name in candidates if name.casefold() == "species"]
    text = [name for name in candidates if not is_numeric_dtype(frame[name])]
    for choice in (species[:1], text[-1:], candidates[-1:]):
        if choice:
            return choice[0]
    raise DataError(
        f"No column is left to hold the label: the columns are "
        f"{_quoted(frame.columns)}. Add a column that gives each row's class.",
        "no_label",
    )


def _choose_features(
    frame: pd.DataFrame, label: str, feature_columns: Sequence[str] | None
) -> tuple[list[str], list[str]]:
    """The feature columns, and the row-number columns left out by default."""
    if feature_columns is None:
        others = [name for name in frame.columns if name != label]
        dropped = [name for name in others if _is_row_number_column(frame, name)]
        features = [name for name in others if name not in dropped]
    else:
        features, dropped = list(feature_columns), []
        _check_chosen_features(frame, label, features)

    # A file of several columns, none of them numbers, is likely no table at all.
    several = len(frame.columns) > 1
    if not features and several and not any(map(is_numeric_dtype, frame.dtypes)):
        raise DataError(
            "No column of this file holds numbers, so there is nothing to learn "
            "from. The lesson needs a table: a header line of names, then one "
            "line per example, with columns of numbers (the features) and one "
            "column of class names.",
            "no_numbers",
        )
    if not features:
        raise DataError(
            f"There are no feature columns besides the label '{label}'. Features "
            "are the numbers the model learns from: add at least one column of "
            "numbers, or choose one.",
            "no_features",
        )
    return features, dropped


def _check_chosen_features(
    frame: pd.DataFrame, label: str, features: list[str]
) -> None:
    """Refuse feature names the table lacks, and the label chosen as a feature."""
    unknown = [name for name in features if name not in frame.columns]
    if unknown:
        missing = (
            f"There is no column '{unknown[0]}' to use as a feature."
            if len(unknown) == 1
            else f"There are no columns {_quoted(unknown)} to use as features."
        )
        raise DataError(
            f"{missing} The columns are {_quoted(frame.columns)}; choose features "
            "among them.",
            "unknown_column",
            unknown,
        )
    if label in features:
        raise DataError(
            f"Column '{label}' is the label, so it cannot also be a feature. "
            "Leave it out of the features, or choose another label.",
            "label_in_features",
            (label,),
        )


def _as_numbers(table: pd.DataFrame, features: list[str]) -> pd.DataFrame:
    """The table with its feature columns as numbers; refuse columns of text."""
    numbers = table.copy()
    problems, bad_columns = [], []
    for name in features:
        numbers[name] = pd.to_numeric(table[name], errors="coerce")
        text = table[name].notna() & numbers[name].isna()
        if text.any():
            row = text.idxmax()
            problems.append(
                f"Column '{name}' is not numeric: line {row + 2} holds "
                f"'{table.at[row, name]}'."
            )
            bad_columns.append(name)

    if problems:
        raise DataError(
            " ".join(problems)
            + " Features must be numbers: "
            + _text_column_advice(len(problems)),
            "non_numeric",
            bad_columns,
        )
    return numbers


def _text_column_advice(count: int) -> str:
    if count == 1:
        return "leave that column out of the features, or choose it as the label."
    return "leave those columns out of the features, or choose one as the label."


def _handle_missing(
    table: pd.DataFrame, features: list[str], drop_missing: bool
) -> tuple[pd.DataFrame, int]:
    """Refuse missing cells, or drop their rows. Returns the table and rows dropped.

    Dropping also drops the rows with a feature too big for float32, which
    _feature_tensor would refuse next: one choice fixes both.
    """
    missing = table.isna()
    if not drop_missing:
        if not missing.any(axis=None):
            return table, 0
        columns, sentences = _describe_cells(missing, "missing value")
        fix = "Fill them in, or drop those rows."
        if missing.sum(axis=None) == 1:
            fix = "Fill it in, or drop that row."
        raise DataError(
            f"{sentences} A missing value is an empty cell, or NA, N/A, ? or nan. "
            f"{fix}",
            "missing_values",
            columns,
        )

    # Dropping must leave something to learn from.
    unusable = unusable_cells(table, features)
    kept = table[~unusable.any(axis=1)]
    if kept.empty:
        columns = [name for name in table.columns if unusable[name].any()]
        raise DataError(
            "Every row has a missing or infinite value, so dropping those rows "
            f"leaves none. Fill in or replace the values of {_columns(columns)}.",
            "too_few_rows",
            columns,
        )
    return kept, len(table) - len(kept)


def unusable_cells(table: pd.DataFrame, features: Sequence[str]) -> pd.DataFrame:
    """True where a cell is missing, or a feature float32 cannot hold (inf, 1e39)."""
    unusable = table.isna()
    for name in features:
        if name in table and is_numeric_dtype(table[name]):
            with np.errstate(over="ignore"):
                values = table[name].to_numpy(dtype=np.float32)
            unusable[name] |= ~np.isfinite(values)
    return unusable


def _feature_tensor(table: pd.DataFrame, features: list[str]) -> torch.Tensor:
    """X (m, n) float32; refuse values that are infinite or too big for float32."""
    # A finite float64 beyond float32's range becomes infinite when cast.
    with np.errstate(over="ignore"):
        values = table[features].to_numpy(dtype=np.float32)
    infinite = pd.DataFrame(~np.isfinite(values), index=table.index, columns=features)
    if infinite.any(axis=None):
        columns, sentences = _describe_cells(infinite, "infinite or too-big value")
        fix = "replace those values, or drop those rows."
        if infinite.sum(axis=None) == 1:
            fix = "replace that value, or drop that row."
        raise DataError(
            f"{sentences} Values must be finite and within float32's range of "
            f"±3.4e38: {fix}",
            "infinite",
            columns,
        )
    return torch.tensor(values)


def _describe_cells(mask: pd.DataFrame, cells: str) -> tuple[list[str], str]:
    """The columns with marked cells, and one sentence per column giving the lines.

    For example "Column 'a' has 2 empty cells (lines 5, 9 of the file)."
    """
    columns = [name for name in mask.columns if mask[name].any()]
    sentences = []
    for name in columns:
        rows = mask.index[mask[name]]
        sentences.append(
            f"Column '{name}' has {_count(len(rows), cells)} "
            f"({_lines(rows)} of the file)."
        )
    return columns, " ".join(sentences)


def _label_texts(column: pd.Series) -> list[str]:
    """Each label as a person reads it: a label read as the number 2.0 is "2"."""
    texts = []
    for value in column:
        is_whole = isinstance(value, float) and value.is_integer()
        texts.append(str(int(value)) if is_whole else str(value))
    return texts


def _similar_labels(labels: list[str]) -> tuple[tuple[str, ...], ...]:
    """Groups of label spellings that differ only by spaces or case.

    Each group lists its spellings in the order they first appear.
    """
    groups: dict[str, list[str]] = {}
    for spelling in dict.fromkeys(labels):
        key = "".join(spelling.split()).casefold()
        groups.setdefault(key, []).append(spelling)
    return tuple(tuple(group) for group in groups.values() if len(group) > 1)


def _merge_spellings(
    labels: list[str], similar: tuple[tuple[str, ...], ...]
) -> list[str]:
    """The labels with each spelling in a group replaced by the group's first."""
    first = {spelling: group[0] for group in similar for spelling in group}
    return [first.get(label, label) for label in labels]


def _encode_labels(
    labels: list[str], label: str, frame: pd.DataFrame
) -> tuple[tuple[str, ...], torch.Tensor]:
    """class_names (k,) in order of first appearance, and y (m,) int64 in 0..k-1."""
    codes, uniques = pd.factorize(pd.Series(labels, dtype=object), sort=False)
    class_names = tuple(str(name) for name in uniques)
    if len(class_names) < 2:
        raise DataError(
            f"The label column '{label}' holds only one class, "
            f"'{class_names[0]}'. Softmax regression needs at least two: add rows "
            "of another class, or choose another label column.",
            "one_class",
            (label,),
        )
    if len(class_names) > MAX_CLASSES:
        raise _too_many_classes(label, len(class_names), frame)
    return class_names, torch.tensor(codes, dtype=torch.int64)


def _too_many_classes(label: str, k: int, frame: pd.DataFrame) -> DataError:
    """The error for a label column with more than MAX_CLASSES values."""
    # Suggest a column with few distinct values, preferring columns of text.
    fits = [
        name
        for name in frame.columns
        if name != label
        and not _is_row_number_column(frame, name)
        and 2 <= frame[name].nunique() <= MAX_CLASSES
    ]
    fits.sort(key=lambda name: is_numeric_dtype(frame[name]))
    example = f", such as '{fits[0]}'" if fits else ""
    return DataError(
        f"The label column '{label}' holds {k} different values, more than the "
        f"{MAX_CLASSES} classes this lesson allows. It probably holds measurements, "
        f"not categories: choose a column that holds categories as the label"
        f"{example}.",
        "too_many_classes",
        (label,),
    )


def _id_notice(name: str) -> str:
    """Why a row-number column was left out of the features."""
    if name.casefold() == "id":
        return (
            f"Left out column '{name}': an id tells rows apart, not classes, yet "
            "it can predict the label perfectly when the file is sorted by class."
        )
    return (
        f"Left out the first column ('{name}'): it has no name and holds row "
        "numbers, and like an id it can predict the label without meaning anything."
    )


def _dropped_rows_notice(dropped: int, kept: int) -> str:
    return (
        f"Dropped {_count(dropped, 'row')} with missing or infinite values; "
        f"{kept} remain."
    )


def _merged_notice(group: tuple[str, ...]) -> str:
    return (
        f"Merged label spellings that differ only by spaces or case: "
        f"{_quoted(group[1:])} now count as '{group[0]}'."
    )


def _constant_warnings(X: torch.Tensor, features: list[str]) -> list[str]:
    """A warning for each feature column of X (m, n) that holds one value only."""
    warnings = []
    for j in torch.nonzero((X == X[0]).all(dim=0)).flatten().tolist():
        warnings.append(
            f"Column '{features[j]}' has the same value ({X[0, j].item():g}) in "
            "every row, so it cannot help tell the classes apart; consider "
            "leaving it out."
        )
    return warnings


def _single_row_warnings(
    y: torch.Tensor, class_names: tuple[str, ...], rows: tuple[int, ...]
) -> list[str]:
    """A warning for each class that only one example of y (m,) belongs to."""
    warnings = []
    counts = torch.bincount(y, minlength=len(class_names))
    for j in torch.nonzero(counts == 1).flatten().tolist():
        line = rows[int(torch.nonzero(y == j)[0])] + 2
        warnings.append(
            f"Class '{class_names[j]}' has a single row (line {line}); one example "
            "is too few to learn a class from."
        )
    return warnings


def _shape_warnings(X: torch.Tensor) -> list[str]:
    """A warning when X (m, n) has more feature columns than rows (n > m)."""
    m, n = X.shape
    if n <= m:
        return []
    return [
        f"There are {n} feature columns but only {m} rows, so the data cannot pin "
        "down the weights W; expect overfitting, and try a larger L2 strength λ "
        "(0.1 or more)."
    ]


def _similar_warning(group: tuple[str, ...]) -> str:
    return (
        f"Labels {_quoted(group)} differ only by spaces or case, yet count as "
        f"{len(group)} different classes. If they are one class, merge them."
    )


def _count(number: int, noun: str) -> str:
    """ "1 row", "3 rows"."""
    return f"{number} {noun if number == 1 else noun + 's'}"


def _quoted(names: Iterable[str]) -> str:
    """ "'a'", "'a' and 'b'", "'a', 'b' and 'c'"."""
    quoted = [f"'{name}'" for name in names]
    if len(quoted) < 2:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _columns(names: Sequence[str]) -> str:
    """ "column 'a'" or "columns 'a' and 'b'"."""
    return f"{'column' if len(names) == 1 else 'columns'} {_quoted(names)}"


def _lines(rows: Sequence[int], shown: int = 5) -> str:
    """The file lines of data rows: "line 4", "lines 4, 9, 12, 15, 20 and 3 more"."""
    numbers = ", ".join(str(row + 2) for row in rows[:shown])
    more = f" and {len(rows) - shown} more" if len(rows) > shown else ""
    return f"{'line' if len(rows) == 1 else 'lines'} {numbers}{more}"
