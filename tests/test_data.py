"""Tests for softmax_core.data: reading CSV files and the built-in data sets."""

import ast
import re
import sys
from pathlib import Path

import pandas as pd
import pytest
import torch
from sklearn import datasets

import softmax_core.data as data_module
from softmax_core.data import (
    BUILTIN_DATASETS,
    IRIS_PATH,
    DataError,
    Dataset,
    dataset_from_frame,
    load_builtin,
    load_csv,
    read_table,
)

# Three rows, two features, two classes: the smallest table most tests need.
SMALL = "a,b,Species\n1.0,2.0,x\n1.5,2.5,y\n3.0,0.5,x\n"


def write(tmp_path: Path, content: str | bytes, name: str = "data.csv") -> Path:
    """Write content to a file byte for byte (str as UTF-8) and return its path."""
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def load_text(tmp_path: Path, content: str | bytes, **options) -> Dataset:
    return load_csv(write(tmp_path, content), **options)


def refused(tmp_path: Path, content: str | bytes, kind: str, match: str, **options):
    """Load content, expect a DataError of this kind and wording, and return it."""
    with pytest.raises(DataError, match=match) as caught:
        load_text(tmp_path, content, **options)
    assert caught.value.kind == kind
    return caught.value


# The built-in data sets.


def test_iris_loads_as_the_article_uses_it():
    iris = load_builtin("iris")

    assert (iris.m, iris.n, iris.k) == (150, 4, 3)
    assert iris.feature_names == (
        "SepalLengthCm",
        "SepalWidthCm",
        "PetalLengthCm",
        "PetalWidthCm",
    )
    assert iris.class_names == ("Iris-setosa", "Iris-versicolor", "Iris-virginica")
    assert iris.X.dtype == torch.float32 and iris.y.dtype == torch.int64
    assert iris.X.shape == (150, 4) and iris.y.shape == (150,)
    assert iris.X[0].tolist() == pytest.approx([5.1, 3.5, 1.4, 0.2])
    assert iris.y[[0, 50, 100]].tolist() == [0, 1, 2]
    assert iris.rows == tuple(range(150))


def test_iris_id_column_is_left_out_with_a_notice():
    iris = load_builtin("iris")

    assert "Id" not in iris.feature_names
    assert iris.notices == (
        "Left out column 'Id': an id tells rows apart, not classes, yet it can "
        "predict the label perfectly when the file is sorted by class.",
    )
    assert iris.warnings == () and iris.similar_labels == ()


def test_iris_keeps_the_uci_values_of_rows_35_and_38():
    # data/README.md: scikit-learn's copy corrects these two rows; this file does not.
    iris = load_builtin("iris")

    for row in (34, 37):
        assert iris.X[row].tolist() == pytest.approx([4.9, 3.1, 1.5, 0.1])


def test_iris_path_points_at_the_file_in_the_repository():
    assert IRIS_PATH == Path(__file__).parents[1] / "data" / "Iris.csv"
    assert load_csv(IRIS_PATH).m == 150


@pytest.mark.parametrize(
    "name, loader, shape",
    [
        ("wine", datasets.load_wine, (178, 13, 3)),
        ("breast_cancer", datasets.load_breast_cancer, (569, 30, 2)),
    ],
)
def test_sklearn_sets_load_with_their_names(name, loader, shape):
    data = load_builtin(name)
    bunch = loader()

    assert (data.m, data.n, data.k) == shape
    assert data.feature_names == tuple(bunch.feature_names)
    assert data.class_names == tuple(bunch.target_names)
    assert data.y.tolist() == bunch.target.tolist()
    assert data.X.dtype == torch.float32
    assert data.X.numpy() == pytest.approx(bunch.data, rel=1e-6)


@pytest.mark.parametrize("name", BUILTIN_DATASETS)
def test_builtin_labels_tell_the_truth(name):
    data = load_builtin(name)
    counts = re.search(
        r"\((\d+) \w+, (\d+) features, (\d+) classes\)", BUILTIN_DATASETS[name]
    )

    assert tuple(int(count) for count in counts.groups()) == (data.m, data.n, data.k)


def test_unknown_builtin_name_is_refused():
    with pytest.raises(DataError, match="There is no built-in data set 'mnist'") as e:
        load_builtin("mnist")
    assert e.value.kind == "unknown_dataset"
    assert "'iris', 'wine' and 'breast_cancer'" in str(e.value)


def test_the_loader_imports_no_page_library():
    tree = ast.parse(Path(data_module.__file__).read_text())
    names = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    names += [
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    ]
    allowed = {"numpy", "pandas", "torch", "sklearn", *sys.stdlib_module_names}

    assert {name.split(".")[0] for name in names} <= allowed


# Reading files: encodings, separators, quoting.


def test_path_and_uploaded_bytes_give_the_same_dataset(tmp_path):
    from_path = load_text(tmp_path, SMALL)
    from_bytes = load_csv(SMALL.encode())

    assert torch.equal(from_path.X, from_bytes.X)
    assert torch.equal(from_path.y, from_bytes.y)
    assert from_path.class_names == from_bytes.class_names == ("x", "y")


@pytest.mark.parametrize(
    "raw",
    [
        b"\xef\xbb\xbf" + SMALL.encode(),  # UTF-8 with the byte-order mark Excel writes
        SMALL.replace("\n", "\r\n").encode(),  # Windows line endings
        SMALL.encode("utf-16"),  # Excel's "Unicode text"
    ],
    ids=["utf8-bom", "crlf", "utf16"],
)
def test_encodings_and_line_endings_read_cleanly(tmp_path, raw):
    data = load_text(tmp_path, raw)

    assert data.feature_names == ("a", "b")
    assert data.class_names == ("x", "y")
    assert data.X.tolist() == [[1.0, 2.0], [1.5, 2.5], [3.0, 0.5]]


def test_windows_1252_is_read_with_a_notice(tmp_path):
    raw = "a,b,Espèce\n1,2,Café\n3,4,Thé\n".encode("cp1252")
    data = load_text(tmp_path, raw)

    assert data.class_names == ("Café", "Thé")
    assert data.notices == (
        "The file is not UTF-8, so it was read as Windows-1252 (Western European); "
        "check that accented letters look right.",
    )


@pytest.mark.parametrize(
    "separator, notice",
    [
        (",", None),
        (";", "Read the columns as separated by semicolons."),
        ("\t", "Read the columns as separated by tabs."),
    ],
)
def test_separators_are_sniffed(tmp_path, separator, notice):
    data = load_text(tmp_path, SMALL.replace(",", separator))

    assert data.X.tolist() == [[1.0, 2.0], [1.5, 2.5], [3.0, 0.5]]
    assert data.notices == (() if notice is None else (notice,))


def test_decimal_commas_are_read_as_numbers_with_a_notice(tmp_path):
    data = load_text(tmp_path, "a;b;Species\n5,1;3;x\n4,9;3,5;y\n")

    assert torch.allclose(data.X, torch.tensor([[5.1, 3.0], [4.9, 3.5]]))
    assert data.notices == (
        "Read the columns as separated by semicolons.",
        "Read decimal commas as decimal points (5,1 as 5.1) in columns 'a' and 'b'.",
    )


def test_dots_grouping_thousands_before_a_decimal_comma_are_read(tmp_path):
    text = "a;b;Species\n1.234,5;3;x\n12,5;1,5;y\n-1.000.000;0,5;x\n"
    data = load_text(tmp_path, text)

    assert data.X.tolist() == [[1234.5, 3.0], [12.5, 1.5], [-1e6, 0.5]]
    assert data.notices == (
        "Read the columns as separated by semicolons.",
        "Read decimal commas as decimal points (5,1 as 5.1) in column 'b'.",
        "Read dots as thousands separators and commas as decimal points "
        "(1.234,5 as 1234.5) in column 'a'.",
    )


def test_commas_grouping_thousands_in_quoted_fields_are_read(tmp_path):
    text = 'a,b,Species\n"1,971.6",3,x\n12.5,"1,000,000",y\n-7,0.5,x\n'
    data = load_text(tmp_path, text)

    expected = torch.tensor([[1971.6, 3.0], [12.5, 1e6], [-7.0, 0.5]])
    assert torch.equal(data.X, expected)
    assert data.notices == (
        "Read commas as thousands separators (1,234.5 as 1234.5) in columns 'a' "
        "and 'b'.",
    )


def test_dots_that_do_not_group_thousands_leave_the_column_as_text(tmp_path):
    # 1.23,4 is no number in any spelling: the column stays text, with advice.
    with pytest.raises(DataError, match="'a'"):
        load_text(tmp_path, "a;b;Species\n1.23,4;3;x\n5,5;1;y\n")


def test_quoted_fields_keep_their_separators(tmp_path):
    text = '"a","b","Species"\n"1","2","Iris, setosa"\n"3","4","Iris; virginica"\n'
    data = load_text(tmp_path, text)

    assert data.class_names == ("Iris, setosa", "Iris; virginica")
    assert data.X.tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_empty_fields_at_the_end_of_lines_are_ignored(tmp_path):
    data = load_text(tmp_path, "a,b,Species\n1,2,x,\n3,4,y,,\n")

    assert data.feature_names == ("a", "b")
    assert data.class_names == ("x", "y")


def test_read_table_gives_numbers_text_and_row_numbers(tmp_path):
    frame, notices = read_table(write(tmp_path, "a,b,Species\n1,NA,x\n\n3,4, y\n"))

    assert frame["a"].tolist() == [1, 3]
    assert frame["b"].isna().tolist() == [True, False]
    assert frame["Species"].tolist() == ["x", " y"]
    assert frame.index.tolist() == [0, 2]  # the blank line is row 1, line 3
    assert notices == ("Skipped 1 blank line.",)


# Choosing the label and the features.


@pytest.mark.parametrize("header", ["Id", "ID", "id"])
def test_an_id_column_in_any_case_is_left_out(tmp_path, header):
    data = load_text(tmp_path, f"{header},a,b,Species\n1,1.0,2.0,x\n2,1.5,2.5,y\n")

    assert data.feature_names == ("a", "b")
    assert data.notices[0].startswith(f"Left out column '{header}': an id")


@pytest.mark.parametrize(
    "text",
    [
        ",a,b,Species\n0,1,2,x\n1,3,4,y\n",  # an empty first header
        "Unnamed: 0,a,b,Species\n0,1,2,x\n1,3,4,y\n",  # as pandas names it
    ],
)
def test_a_leading_unnamed_index_is_left_out(tmp_path, text):
    data = load_text(tmp_path, text)

    assert data.feature_names == ("a", "b")
    assert data.notices == (
        "Left out the first column ('Unnamed: 0'): it has no name and holds row "
        "numbers, and like an id it can predict the label without meaning anything.",
    )


def test_an_index_saved_by_pandas_is_left_out(tmp_path):
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0], "kind": ["x", "y"]})
    path = tmp_path / "saved.csv"
    frame.to_csv(path)

    assert load_csv(path).feature_names == ("a", "b")


@pytest.mark.parametrize(
    "text, features, class_names",
    [
        ("SPECIES,a,kind\nx,1,p\ny,3,q\n", ["a"], ("x", "y")),  # Species, any case
        ("kind,a,colour\nx,1,red\ny,3,blue\n", ["a"], ("red", "blue")),  # last text
        ("a,kind,b\n1,p,2\n3,q,4\n", None, ("p", "q")),  # the only text column
        ("a,b,c\n1,2,1\n3,4,2\n", None, ("1", "2")),  # no text: the last column
        ("a,b,c\n1,2,1\n3,4,2\n", ["b", "c"], ("1", "3")),  # not a chosen feature
    ],
)
def test_default_label_column(tmp_path, text, features, class_names):
    data = load_text(tmp_path, text, feature_columns=features)

    assert data.class_names == class_names


def test_label_and_feature_columns_can_be_chosen(tmp_path):
    text = "kind,a,b,c\nx,1,2,9\ny,3,4,8\nx,5,6,7\n"
    data = load_text(tmp_path, text, label_column="kind", feature_columns=["c", "a"])

    assert data.feature_names == ("c", "a")
    assert data.X.tolist() == [[9.0, 1.0], [8.0, 3.0], [7.0, 5.0]]
    assert data.class_names == ("x", "y")


@pytest.mark.parametrize(
    "labels, class_names, y",
    [
        (
            "virginica setosa virginica versicolor",
            ("virginica", "setosa", "versicolor"),
            [0, 1, 0, 2],
        ),
        ("2 1 3 1", ("2", "1", "3"), [0, 1, 2, 1]),
        ("-1 0 1 -1", ("-1", "0", "1"), [0, 1, 2, 0]),
        ("1.0 2.0 1.0 2.5", ("1", "2", "2.5"), [0, 1, 0, 2]),
    ],
)
def test_labels_are_numbered_in_order_of_first_appearance(
    tmp_path, labels, class_names, y
):
    rows = "".join(f"{i},{label}\n" for i, label in enumerate(labels.split()))
    data = load_text(tmp_path, "a,label\n" + rows, label_column="label")

    assert data.class_names == class_names
    assert data.y.tolist() == y


# Label spellings that differ only by spaces or case.

SPELLINGS = "a,Species\n1,setosa\n2, setosa\n3,Setosa\n4,virginica\n5,Virginica\n"


def test_similar_labels_are_kept_apart_with_a_warning(tmp_path):
    data = load_text(tmp_path, SPELLINGS)

    assert data.k == 5
    assert data.similar_labels == (
        ("setosa", " setosa", "Setosa"),
        ("virginica", "Virginica"),
    )
    assert data.warnings[-2] == (
        "Labels 'setosa', ' setosa' and 'Setosa' differ only by spaces or case, yet "
        "count as 3 different classes. If they are one class, merge them."
    )


def test_similar_labels_merge_into_the_first_spelling_when_asked(tmp_path):
    data = load_text(tmp_path, SPELLINGS, merge_similar_labels=True)

    assert data.class_names == ("setosa", "virginica")
    assert data.y.tolist() == [0, 0, 0, 1, 1]
    assert data.notices == (
        "Merged label spellings that differ only by spaces or case: ' setosa' and "
        "'Setosa' now count as 'setosa'.",
        "Merged label spellings that differ only by spaces or case: 'Virginica' now "
        "count as 'virginica'.",
    )
    assert not any("spaces or case" in warning for warning in data.warnings)


# Missing values.

HOLES = "a,b,Species\n1,2,x\n{0},3,y\n4,5,x\n6,{0},y\n7,8,{0}\n9,10,y\n"


@pytest.mark.parametrize("marker", ["", " ", "NA", "N/A", "n/a", "?", "nan", "NaN"])
def test_missing_markers_are_refused_with_their_lines(tmp_path, marker):
    error = refused(
        tmp_path,
        HOLES.format(marker),
        "missing_values",
        re.escape(
            "Column 'a' has 1 missing value (line 3 of the file). Column 'b' has 1 "
            "missing value (line 5 of the file). Column 'Species' has 1 missing "
            "value (line 6 of the file). A missing value is an empty cell, or NA, "
            "N/A, ? or nan. Fill them in, or drop those rows."
        ),
    )
    assert error.columns == ("a", "b", "Species")


def test_many_empty_cells_show_the_first_lines(tmp_path):
    text = "a,Species\n" + "".join(
        f"{'' if i % 2 else i},x{i % 3}\n" for i in range(16)
    )

    refused(
        tmp_path,
        text,
        "missing_values",
        re.escape(
            "Column 'a' has 8 missing values (lines 3, 5, 7, 9, 11 and 3 more of"
        ),
    )


def test_drop_missing_keeps_the_other_rows_and_their_numbers(tmp_path):
    data = load_text(tmp_path, HOLES.format("NA"), drop_missing=True)

    assert data.rows == (0, 2, 5)
    assert data.X.tolist() == [[1.0, 2.0], [4.0, 5.0], [9.0, 10.0]]
    assert data.notices == (
        "Dropped 3 rows with missing or infinite values; 3 remain.",
    )


def test_empty_cells_in_iris_are_refused_or_dropped(tmp_path):
    lines = IRIS_PATH.read_text().splitlines()
    for i in (3, 8, 16):  # data rows 3, 8, 16 are lines 5, 10, 18
        cells = lines[i + 1].split(",")
        cells[3] = ""
        lines[i + 1] = ",".join(cells)
    path = write(tmp_path, "\n".join(lines) + "\n")

    with pytest.raises(
        DataError,
        match=re.escape(
            "Column 'PetalLengthCm' has 3 missing values (lines 5, 10, 18 of the "
            "file). A missing value is an empty cell, or NA, N/A, ? or nan. Fill "
            "them in, or drop those rows."
        ),
    ):
        load_csv(path)
    data = load_csv(path, drop_missing=True)
    assert data.m == 147
    assert 3 not in data.rows and 8 not in data.rows and data.rows[3] == 4
    assert data.notices[-1] == (
        "Dropped 3 rows with missing or infinite values; 147 remain."
    )


def test_drop_missing_that_leaves_nothing_is_refused(tmp_path):
    refused(
        tmp_path,
        "a,Species\n,x\n,y\n",
        "too_few_rows",
        re.escape(
            "Every row has a missing or infinite value, so dropping those rows "
            "leaves none. Fill in or replace the values of column 'a'."
        ),
        drop_missing=True,
    )


def test_drop_missing_also_drops_rows_with_infinite_values(tmp_path):
    text = "a,b,Species\n1,2,x\ninf,3,y\n4,,x\n6,1e39,y\n7,8,x\n9,10,y\n"
    refused(tmp_path, text, "missing_values", "Column 'b' has 1 missing value")

    data = load_text(tmp_path, text, drop_missing=True)

    assert data.rows == (0, 4, 5)
    assert data.notices == (
        "Dropped 3 rows with missing or infinite values; 3 remain.",
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ('[{"a": 1, "Species": "x"}, {"a": 2, "Species": "y"}]\n', "JSON"),
        ('{"a": [1, 2], "Species": ["x", "y"]}', "JSON"),
        ("<!DOCTYPE html>\n<html><body><table></table></body></html>\n", "HTML"),
        ('<?xml version="1.0"?>\n<rows/>\n', "HTML or XML"),
    ],
)
def test_json_html_and_xml_are_refused_as_no_table(tmp_path, text, kind):
    refused(
        tmp_path,
        text,
        "not_a_table",
        rf"looks like {kind}.*not a table of values separated by commas\. Save the "
        "data as CSV",
    )


def test_a_first_line_of_numbers_is_said_to_be_perhaps_no_header(tmp_path):
    data = load_text(tmp_path, "0.377,0.992,y\n0.1,0.2,x\n0.3,0.4,y\n0.5,0.6,x\n")

    assert data.m == 3
    [notice] = [text for text in data.notices if "first line" in text]
    assert notice.startswith(
        "The first line, read as the column names, holds numbers (0.377, 0.992). "
        "If the file has no header line, its first example was taken for the names"
    )
    assert notice.endswith("such as x1,x2,label.")


def test_column_names_that_are_whole_numbers_say_nothing_of_a_header(tmp_path):
    data = load_text(tmp_path, "0,1,2\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n")

    assert not [text for text in data.notices if "first line" in text]


def test_line_numbers_count_blank_lines(tmp_path):
    refused(
        tmp_path,
        "a,Species\n1,x\n\n2,y\n,x\n",
        "missing_values",
        re.escape(
            "Column 'a' has 1 missing value (line 5 of the file). A missing value is "
            "an empty cell, or NA, N/A, ? or nan. Fill it in, or drop that row."
        ),
    )


# Files and tables the lesson refuses.


def test_a_missing_file_is_refused(tmp_path, monkeypatch):
    absolute = tmp_path / "nope.csv"
    with pytest.raises(DataError) as caught:
        load_csv(absolute)
    assert caught.value.kind == "missing_file"
    assert str(caught.value) == (
        f"File '{absolute}' does not exist. Check the file name and its folder."
    )

    # A relative path also says where it was looked for.
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError, match=re.escape(f"(looked for {absolute})")):
        load_csv("nope.csv")


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(DataError, match="is a folder, not a file. Give the path") as e:
        load_csv(tmp_path)
    assert e.value.kind == "missing_file"


@pytest.mark.parametrize("raw", [b"", b"\n\n", b"  \r\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_refused(tmp_path, raw):
    refused(
        tmp_path,
        raw,
        "empty",
        re.escape(
            "is empty. The lesson needs a header line of column names, then one line "
            "per example."
        ),
    )


def test_an_empty_upload_says_so():
    with pytest.raises(DataError, match="^The uploaded file is empty."):
        load_csv(b"")


def test_a_blank_first_line_is_refused(tmp_path):
    refused(
        tmp_path,
        "\na,Species\n1,x\n2,y\n",
        "blank_header",
        r"^File '.*data\.csv' starts with a blank line, but line 1 should hold the "
        r"column names\. Remove the blank lines above them\.$",
    )


def test_excels_separator_line_is_named_and_how_to_fix_it(tmp_path):
    refused(
        tmp_path,
        "sep=;\na;b;Species\n1;2;x\n3;4;y\n",
        "separator_line",
        r"^File '.*data\.csv' begins with 'sep=;', Excel's note of the separator, "
        r"where the column names should be\. Delete that line so that the names "
        r"come first, and load the file again\.$",
    )


def test_a_header_without_rows_is_refused(tmp_path):
    refused(
        tmp_path,
        "a,b,Species\n",
        "header_only",
        "^The file has a header line but no data rows. Add the examples below the "
        "header, one per line.$",
    )


@pytest.mark.parametrize(
    "raw",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01",  # an image: NUL bytes
        bytes(range(1, 32)) * 20 + b"a,b\n",  # control bytes, no NUL
    ],
    ids=["nul", "control"],
)
def test_a_binary_file_is_refused(tmp_path, raw):
    refused(
        tmp_path,
        raw,
        "not_text",
        re.escape(
            "is not a text file: it holds NUL or other control bytes, as a "
            "spreadsheet or an image does. Save the table as CSV"
        ),
    )


def test_a_line_with_extra_fields_is_refused(tmp_path):
    refused(
        tmp_path,
        "a,b,Species\n1,2,x\n3,4,5,y\n",
        "extra_fields",
        re.escape(
            "Line 3 has 4 fields, but the header line has 3. Remove the extra "
            "separator, or put quotes around a value that contains one."
        ),
    )


@pytest.mark.parametrize(
    "text, line, problem",
    [
        ('a,b,Species\n1,2,x\n3,4,"y\n5,6,x\n', 3, "unexpected end of data"),
        ('a,b,Species\n1,2,x\n3,4,"y"z\n5,6,x\n', 3, "',' expected after '\"'"),
    ],
    ids=["never-closed", "text-after-closing"],
)
def test_a_bad_quote_is_refused_with_its_line(tmp_path, text, line, problem):
    refused(
        tmp_path,
        text,
        "unreadable",
        re.escape(
            f"Line {line} could not be read ({problem}). Check its quote marks: a "
            'value that opens with a quote (") must close with one just before the '
            "next separator or the end of the line."
        ),
    )


def test_a_parser_error_from_pandas_becomes_a_data_error(monkeypatch):
    def fail(*args, **kwargs):
        raise pd.errors.ParserError("Error tokenizing data")

    monkeypatch.setattr(pd, "read_csv", fail)
    with pytest.raises(
        DataError,
        match=re.escape(
            "The uploaded file could not be read as a table (pandas says: Error "
            "tokenizing data). Check that it is a CSV file with the same number of "
            "fields on every line."
        ),
    ) as caught:
        load_csv(SMALL.encode())
    assert caught.value.kind == "unreadable"


def test_a_line_after_a_value_that_spans_lines_keeps_its_number(tmp_path):
    refused(
        tmp_path,
        'a,Species\n1,"two\nlines"\n2,y\n3,y,4\n',
        "extra_fields",
        "^Line 5 has 3 fields, but the header line has 2.",
    )


def test_an_unknown_label_column_is_refused_with_the_columns(tmp_path):
    error = refused(
        tmp_path,
        SMALL,
        "no_label",
        re.escape(
            "There is no column 'species ' to use as the label. The columns are 'a', "
            "'b' and 'Species'; choose one of them."
        ),
        label_column="species ",
    )
    assert error.columns == ("species ",)


def test_a_table_of_ids_only_has_no_label(tmp_path):
    refused(tmp_path, "Id\n1\n2\n", "no_label", "No column is left to hold the label")


def test_unknown_feature_columns_are_refused(tmp_path):
    error = refused(
        tmp_path,
        SMALL,
        "unknown_column",
        re.escape(
            "There are no columns 'c' and 'd' to use as features. The columns are "
            "'a', 'b' and 'Species'; choose features among them."
        ),
        feature_columns=["a", "c", "d"],
    )
    assert error.columns == ("c", "d")


def test_the_label_cannot_also_be_a_feature(tmp_path):
    refused(
        tmp_path,
        SMALL,
        "label_in_features",
        re.escape("Column 'Species' is the label, so it cannot also be a feature."),
        label_column="Species",
        feature_columns=["a", "Species"],
    )


@pytest.mark.parametrize(
    "text, options",
    [
        ("Species\nx\ny\n", {}),
        ("Id,Species\n1,x\n2,y\n", {}),
        (SMALL, {"feature_columns": []}),
    ],
)
def test_no_feature_columns_is_refused(tmp_path, text, options):
    refused(
        tmp_path,
        text,
        "no_features",
        re.escape(
            "There are no feature columns besides the label 'Species'. Features are "
            "the numbers the model learns from: add at least one column of numbers, "
            "or choose one."
        ),
        **options,
    )


def test_a_single_class_is_refused(tmp_path):
    refused(
        tmp_path,
        "a,Species\n1,setosa\n2,setosa\n",
        "one_class",
        re.escape(
            "The label column 'Species' holds only one class, 'setosa'. Softmax "
            "regression needs at least two: add rows of another class, or choose "
            "another label column."
        ),
    )


def test_a_measurement_chosen_as_label_is_refused_with_a_suggestion():
    with pytest.raises(DataError) as caught:
        load_csv(IRIS_PATH, label_column="SepalLengthCm")

    assert caught.value.kind == "too_many_classes"
    assert str(caught.value) == (
        "The label column 'SepalLengthCm' holds 35 different values, more than the "
        "20 classes this lesson allows. It probably holds measurements, not "
        "categories: choose a column that holds categories as the label, such as "
        "'Species'."
    )


def test_a_text_feature_is_refused_with_its_line_and_value(tmp_path):
    error = refused(
        tmp_path,
        "a,colour,Species\n1,2,x\n3,red,y\n",
        "non_numeric",
        re.escape(
            "Column 'colour' is not numeric: line 3 holds 'red'. Features must be "
            "numbers: leave that column out of the features, or choose it as the "
            "label."
        ),
    )
    assert error.columns == ("colour",)


def test_several_text_features_are_named_together(tmp_path):
    error = refused(
        tmp_path,
        "a,b,Species\nx,1,p\n2,y,q\n",
        "non_numeric",
        re.escape(
            "Column 'a' is not numeric: line 2 holds 'x'. Column 'b' is not numeric: "
            "line 3 holds 'y'. Features must be numbers: leave those columns out"
        ),
    )
    assert error.columns == ("a", "b")


@pytest.mark.parametrize("value", ["inf", "-Infinity", "1e39"])
def test_infinite_or_too_big_values_are_refused(tmp_path, value):
    refused(
        tmp_path,
        f"a,b,Species\n1,2,x\n3,{value},y\n",
        "infinite",
        re.escape(
            "Column 'b' has 1 infinite or too-big value (line 3 of the file). Values "
            "must be finite and within float32's range of ±3.4e38: replace that "
            "value, or drop that row."
        ),
    )


def test_every_error_is_a_value_error():
    assert issubclass(DataError, ValueError)


# Warnings: the data loads, but a person should look.


def test_a_constant_column_is_warned_about(tmp_path):
    data = load_text(tmp_path, "a,b,Species\n1,7,x\n2,7,y\n3,7,x\n4,7,y\n")

    assert data.warnings == (
        "Column 'b' has the same value (7) in every row, so it cannot help tell the "
        "classes apart; consider leaving it out.",
    )


def test_a_class_with_one_row_is_warned_about(tmp_path):
    data = load_text(tmp_path, "a,Species\n1,x\n2,x\n3,y\n")

    assert data.warnings == (
        "Class 'y' has a single row (line 4); one example is too few to learn a "
        "class from.",
    )


def test_more_features_than_rows_is_warned_about(tmp_path):
    square = load_text(tmp_path, "a,b,Species\n1,2,x\n4,5,y\n")
    wide = load_text(tmp_path, "a,b,c,Species\n1,2,3,x\n4,5,6,y\n")

    assert not any("feature columns" in warning for warning in square.warnings)
    assert wide.warnings[0] == (
        "There are 3 feature columns but only 2 rows, so the data cannot pin down "
        "the weights W; expect overfitting, and try a larger L2 strength λ "
        "(0.1 or more)."
    )


# Tables that do not come from a file.


def test_dataset_from_frame_renumbers_an_index_that_is_not_row_numbers():
    frame = pd.DataFrame(
        {"a": [1.0, 2.0, 3.0], "kind": ["p", "q", "p"]}, index=["r", "s", "t"]
    )
    data = dataset_from_frame(frame, notices=("Made by hand.",))

    assert data.rows == (0, 1, 2)
    assert data.class_names == ("p", "q")
    assert data.notices == ("Made by hand.",)


def test_dataset_from_frame_keeps_row_numbers_of_a_subset():
    frame, _ = read_table(SMALL.encode())
    data = dataset_from_frame(frame.iloc[1:])

    assert data.rows == (1, 2)


def test_the_dataset_reports_m_n_k(tmp_path):
    data = load_text(tmp_path, SMALL)

    assert (data.m, data.n, data.k) == (3, 2, 2)
    with pytest.raises(AttributeError):
        data.m = 4


def test_empty_unnamed_columns_a_spreadsheet_leaves_are_left_out():
    dataset = load_csv(b"x,y,kind,,,\r\n1,2,a,,,\r\n3,4,b,,,\r\n5,6,a,,,\r\n")

    assert dataset.feature_names == ("x", "y")
    assert dataset.class_names == ("a", "b")
    assert "Left out 3 columns with no name and no values." in dataset.notices


def test_an_unnamed_column_with_values_is_kept():
    dataset = load_csv(b"x,,kind\n1,7,a\n3,8,b\n")

    assert dataset.n == 2


def test_names_pandas_changes_are_said():
    _, notices = read_table(b"a,a,,kind\n1,2,3,x\n2,3,4,y\n")

    assert notices == (
        "The header names 'a' more than once; the second is called 'a.1' here.",
        "The header gives no name to 1 column; it is called 'Unnamed: 2' here.",
    )
    # pandas' own row numbers, an unnamed first column, are not among them.
    _, notices = read_table(b",x,kind\n0,1,p\n1,2,q\n")
    assert notices == ()


def test_a_file_with_no_numbers_at_all_is_said_to_be_no_table():
    frame, _ = read_table(b"Dear Sir, I write\nabout the roses, as ever\nYours, Ann\n")

    with pytest.raises(DataError, match="^No column of this file holds numbers") as e:
        dataset_from_frame(frame, feature_columns=[])
    assert e.value.kind == "no_numbers"
