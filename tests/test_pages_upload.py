"""The sidebar's data chooser and the upload flow (lesson/upload.py), through AppTest.

The loader's own wording is pinned in tests/test_data.py; here each kind of file
in tests/data/uploads/ goes through the page: what the sidebar says, what fix it
offers, and that the pages keep working on the last data that loaded.
"""

import html
import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.runtime.uploaded_file_manager import UploadedFile
from streamlit.testing.v1 import AppTest

from lesson import upload
from lesson.text import plain
from softmax_core.data import (
    DataError,
    dataset_from_frame,
    default_columns,
    load_builtin,
    read_table,
)
from tests.pagetools import figures, read

ROOT = Path(__file__).resolve().parents[1]
APP_TIMEOUT = 120
UPLOADS = ROOT / "tests" / "data" / "uploads"
# Every page app.py lists, in its order.
PAGES = re.findall(r'st\.Page\(\s*"([^"]+)"', (ROOT / "app.py").read_text())


def sidebar_texts(at) -> str:
    """Everything the sidebar says in captions, info, warnings and errors."""
    sidebar = at.sidebar
    elements = [*sidebar.caption, *sidebar.info, *sidebar.warning, *sidebar.error]
    return "\n".join(read(element.value) for element in elements)


def errors(at) -> list[str]:
    return [read(element.value) for element in at.sidebar.error]


def used(at):
    """The context the pages got: its dataset_key and dataset."""
    return at.session_state["context"]


def assert_healthy(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture
def uploaded(open_page):
    """uploaded("x.csv") -> an AppTest on Home that has uploaded that file.

    raw replaces the file's bytes; name is then only the name the app sees.
    """

    def _upload(name: str, raw: bytes | None = None, at=None):
        if at is None:
            at = open_page(data="upload")
        content = (UPLOADS / name).read_bytes() if raw is None else raw
        at.file_uploader(key=upload.FILE_KEY).set_value((name, content, "text/csv"))
        at.run()
        assert_healthy(at)
        return at

    return _upload


# Choosing the data.


def test_iris_is_the_default_and_says_nothing_about_scales(open_page):
    at = open_page()

    assert_healthy(at)
    assert at.selectbox(key="data").value == "iris"
    assert used(at).dataset_key == "iris"
    assert not at.sidebar.warning and not at.main.warning


def test_the_data_box_names_the_data_and_its_caption_counts_it(open_page):
    # The box is as narrow as the sidebar: the name in it, the counts below it.
    at = open_page()
    box = at.selectbox(key="data")

    assert list(box.options) == [
        "Iris", "Wine", "Breast cancer", "Your own CSV file",
    ]  # fmt: skip
    assert "150 flowers, 4 features, 3 classes" in sidebar_texts(at)

    box.set_value("wine").run()
    assert "178 wines, 13 features, 3 classes" in sidebar_texts(at)
    assert "150 flowers" not in sidebar_texts(at)


@pytest.fixture
def open_link():
    """open_link(data="wine") -> an AppTest that opened the lesson with that query."""

    def _open(**query) -> AppTest:
        os.chdir(ROOT)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT)
        at.query_params.update(query)
        return at.run()

    return _open


@pytest.mark.parametrize("name", ["wine", "breast_cancer", "upload"])
def test_the_url_chooses_the_data(open_link, name):
    at = open_link(data=name)

    assert_healthy(at)
    assert at.selectbox(key="data").value == name
    assert used(at).dataset_key == ("iris" if name == "upload" else name)


def test_an_unknown_name_in_the_url_gives_iris(open_link):
    at = open_link(data="mnist")

    assert_healthy(at)
    assert used(at).dataset_key == "iris"
    assert "data" not in at.query_params
    [said] = [read(w.value) for w in at.sidebar.warning]
    assert said == (
        "The link's data='mnist' is not one of these data sets (iris, wine, "
        "breast_cancer, upload), so the pages use Iris."
    )
    # Said of the link the session opened with, not on every rerun.
    at.run()
    assert not at.sidebar.warning


def test_the_choice_goes_into_the_url(open_page):
    at = open_page()
    at.selectbox(key="data").set_value("breast_cancer").run()
    assert at.query_params["data"] == "breast_cancer"

    # Like the bound widgets, the URL leaves out the default.
    at.selectbox(key="data").set_value("iris").run()
    assert "data" not in at.query_params


@pytest.mark.parametrize(
    "name, title, widest, narrowest",
    [
        ("wine", "Wine", "proline", "nonflavanoid_phenols"),
        ("breast_cancer", "Breast cancer", "worst area", "fractal dimension error"),
    ],
)
def test_wildly_different_scales_point_to_standardize(
    open_page, name, title, widest, narrowest
):
    at = open_page(data=name)

    warning = " ".join(read(w.value) for w in at.sidebar.warning)
    assert warning.startswith(f"The features of {title} differ in scale")
    assert f"'{widest}'" in warning and f"'{narrowest}'" in warning
    assert warning.endswith("Switch on Standardize features below.")

    at.toggle(key="standardize").set_value(True).run()
    assert not at.sidebar.warning


def test_upload_chosen_without_a_file_keeps_iris(open_link):
    at = open_link(data="upload")

    assert_healthy(at)
    assert used(at).dataset_key == "iris"
    assert at.main.info[0].value == "The pages use Iris until you upload a CSV file."
    assert "Until then the pages use Iris." in at.sidebar.info[0].value
    assert "5 MB" in at.file_uploader(key=upload.FILE_KEY).label


def test_upload_without_a_file_keeps_the_last_good_choice(open_page):
    at = open_page(data="wine")
    at.selectbox(key="data").set_value("upload").run()

    assert used(at).dataset_key == "wine"
    assert "Until then the pages use Wine." in sidebar_texts(at)


# Files the loader reads.


@pytest.mark.parametrize(
    "name, shape, said",
    [
        ("utf8_bom.csv", (8, 2, 2), "'setosa' → 0, 'virginica' → 1"),
        ("windows_1252.csv", (8, 2, 2), "read as Windows-1252"),
        ("semicolon_decimal_comma.csv", (8, 2, 2), "Read decimal commas"),
        ("tab_separated.tsv", (8, 2, 2), "separated by tabs"),
        ("quoted_fields.csv", (8, 2, 2), "'red, dark' → 0"),
        ("windows_line_endings.csv", (8, 2, 2), "k = 2 classes"),
        ("index_and_id.csv", (8, 2, 2), "'Id', which numbers the rows"),
        ("number_labels.csv", (9, 2, 3), "'7' → 0, '5' → 1, '3' → 2"),
        ("one_feature.csv", (12, 1, 2), "n = 1 feature,"),
        ("ten_classes.csv", (60, 3, 10), "k = 10 classes"),
    ],
)
def test_files_that_load(uploaded, name, shape, said):
    at = uploaded(name)
    data = used(at).dataset

    assert not errors(at)
    assert used(at).dataset_key.startswith("upload-")
    assert (data.m, data.n, data.k) == shape
    assert said in sidebar_texts(at)
    assert f"Training on '{name}'" in sidebar_texts(at)


def test_the_bom_does_not_reach_the_column_names(uploaded):
    at = uploaded("utf8_bom.csv")

    assert at.selectbox(key=upload.LABEL_KEY).options == ["sepal", "petal", "species"]


def test_a_leading_index_and_an_id_are_left_out(uploaded):
    at = uploaded("index_and_id.csv")

    assert used(at).dataset.feature_names == ("a", "b")
    assert at.multiselect(key=upload.FEATURES_KEY).value == ["a", "b"]
    assert "'Unnamed: 0', which numbers the rows" in sidebar_texts(at)


@pytest.mark.parametrize(
    "name, warning",
    [
        ("constant_column.csv", "Column 'unit' has the same value (1) in every row"),
        ("single_row_class.csv", "Class 'r' has a single row (line 10)"),
        ("wide.csv", "There are 12 feature columns but only 6 rows"),
    ],
)
def test_doubtful_files_load_with_a_warning(uploaded, name, warning):
    at = uploaded(name)

    assert used(at).dataset_key.startswith("upload-")
    assert any(w.value.startswith(warning) for w in at.sidebar.warning)


def test_a_file_of_wildly_different_scales_points_to_standardize(uploaded):
    at = uploaded("scales.csv")

    warning = " ".join(read(w.value) for w in at.sidebar.warning)
    assert "The features of 'scales.csv' differ in scale" in warning
    assert "'mass_g'" in warning and "'length_km'" in warning


# Files and choices the loader refuses: the error, the fix, the last good data.


@pytest.mark.parametrize(
    "name, error",
    [
        ("empty.csv", "The uploaded file is empty."),
        ("header_only.csv", "The file has a header line but no data rows."),
        ("image.csv", "The uploaded file is not a text file"),
        ("one_class.csv", "The label column 'kind' holds only one class, 'only'."),
        ("many_classes.csv", "The label column 'name' holds 25 different values"),
        (
            "missing_values.csv",
            "Column 'a' has 2 missing values (lines 3, 9 of the file)",
        ),
    ],
)
def test_refused_files_keep_the_last_good_data(uploaded, name, error):
    at = uploaded(name)

    assert errors(at) and errors(at)[0].startswith(error)
    assert used(at).dataset_key == "iris"
    assert "Until it loads, the pages use Iris." in sidebar_texts(at)
    assert at.main.warning[0].value.startswith("Still using Iris:")


def test_a_file_over_the_limit_is_refused(uploaded):
    raw = (UPLOADS / "two_features.csv").read_bytes()
    big = raw + b"1.0,2.0,no\n" * (6 * 2**20 // 11)
    at = uploaded("big.csv", big)

    assert errors(at) == [
        "'big.csv' is 6.0 MB, more than the 5 MB this app accepts. Keep fewer rows "
        "or columns and upload it again."
    ]
    assert used(at).dataset_key == "iris"


def test_a_refused_file_keeps_the_last_good_upload(uploaded):
    at = uploaded("two_features.csv")
    good = used(at).dataset_key
    at = uploaded("one_class.csv", at=at)

    assert used(at).dataset_key == good
    assert read(at.main.warning[0].value).startswith("Still using 'two_features.csv':")


INFINITE = b"a,b,kind\n1,2,x\ninf,3,y\n4,5,x\n6,1e39,y\n7,8,x\n9,10,y\n2,2,x\n"


@pytest.mark.parametrize(
    ("name", "raw", "refusal", "rows", "dropped"),
    [
        ("missing_values.csv", None, "Column 'a' has 2 missing values", 10, 3),
        ("infinite.csv", INFINITE, "Column 'a' has 1 infinite or too-big value", 7, 2),
    ],
)
def test_rows_with_missing_or_infinite_values_are_dropped_when_asked(
    uploaded, name, raw, refusal, rows, dropped
):
    at = uploaded(name, raw)

    assert errors(at)[0].startswith(refusal)
    kept = rows - dropped
    assert (
        f"{dropped} of {rows} rows have a missing or infinite value in the chosen "
        f"columns; dropping them leaves {kept}." in sidebar_texts(at)
    )

    at.checkbox(key=upload.DROP_KEY).check().run()
    assert not errors(at)
    assert used(at).dataset.m == kept
    assert (
        f"Dropped {dropped} rows with missing or infinite values; {kept} remain."
        in sidebar_texts(at)
    )


def test_similar_labels_merge_only_when_asked(uploaded):
    at = uploaded("similar_labels.csv")

    assert used(at).dataset.k == 5
    assert "differ only by spaces or case" in at.sidebar.warning[0].value

    at.checkbox(key=upload.MERGE_KEY).check().run()
    assert used(at).dataset.k == 2
    assert "now count as ' setosa'" in sidebar_texts(at)
    assert not at.sidebar.warning


def test_a_text_column_is_left_out_and_can_be_left_out_again(uploaded):
    at = uploaded("text_feature.csv")

    assert at.multiselect(key=upload.FEATURES_KEY).value == ["a", "b"]
    assert "'colour', which holds text ('red' on line 2)" in sidebar_texts(at)

    at.multiselect(key=upload.FEATURES_KEY).set_value(["a", "b", "colour"]).run()
    assert errors(at)[0].startswith("Column 'colour' is not numeric")
    assert at.button(key=upload.LEAVE_OUT_KEY).label == "Leave 'colour' out"

    at.button(key=upload.LEAVE_OUT_KEY).click().run()
    assert not errors(at)
    assert at.multiselect(key=upload.FEATURES_KEY).value == ["a", "b"]


def test_too_many_classes_is_fixed_by_choosing_the_label(uploaded):
    at = uploaded("many_classes.csv")
    assert "such as 'kind'" in errors(at)[0]

    at.selectbox(key=upload.LABEL_KEY).set_value("kind").run()
    assert not errors(at)
    assert used(at).dataset.class_names == ("p", "q")
    # The old label holds text, so it does not join the features.
    assert used(at).dataset.feature_names == ("a", "b")


def test_the_label_is_never_a_feature(uploaded):
    at = uploaded("two_features.csv")
    at.selectbox(key=upload.LABEL_KEY).set_value("width").run()

    assert "width" not in at.multiselect(key=upload.FEATURES_KEY).options
    assert at.multiselect(key=upload.FEATURES_KEY).value == ["height"]


def test_a_column_made_the_label_and_back_is_a_feature_again(uploaded):
    at = uploaded("utf8_bom.csv")
    labels = at.selectbox(key=upload.LABEL_KEY)
    labels.set_value("sepal").run()
    assert at.multiselect(key=upload.FEATURES_KEY).value == ["petal"]

    at.selectbox(key=upload.LABEL_KEY).set_value("species").run()
    assert at.multiselect(key=upload.FEATURES_KEY).value == ["sepal", "petal"]
    assert used(at).dataset.feature_names == ("sepal", "petal")


def test_a_number_column_taken_out_is_said_to_be(uploaded):
    at = uploaded("utf8_bom.csv")
    at.multiselect(key=upload.FEATURES_KEY).set_value(["petal"]).run()

    assert "Not among the features: 'sepal', taken out above." in [
        caption.value for caption in at.sidebar.caption
    ]


def test_no_features_is_refused(uploaded):
    at = uploaded("two_features.csv")
    at.multiselect(key=upload.FEATURES_KEY).set_value([]).run()

    assert errors(at)[0].startswith("There are no feature columns besides the label")
    assert used(at).dataset_key.startswith("upload-")


# Nothing is lost.


def test_the_upload_and_its_choices_hold_across_pages_and_reruns(uploaded):
    at = uploaded("two_features.csv")
    at.multiselect(key=upload.FEATURES_KEY).set_value(["height"]).run()
    key = used(at).dataset_key
    stored = at.session_state[upload.STORED_KEY]

    for page in PAGES:
        at.switch_page(page)
        at.run()
        assert_healthy(at)
        assert used(at).dataset_key == key, page
    at.run()
    at.run()
    assert used(at).dataset_key == key
    assert at.multiselect(key=upload.FEATURES_KEY).value == ["height"]
    # Read once: the same bytes object, not a new read of the widget.
    assert at.session_state[upload.STORED_KEY] is stored


def test_an_upload_buffer_that_reads_empty_later_loses_nothing(uploaded, monkeypatch):
    at = uploaded("two_features.csv")
    key = used(at).dataset_key

    # The known failure: on a later rerun the widget's buffer reads empty.
    monkeypatch.setattr(UploadedFile, "getvalue", lambda self: b"")
    monkeypatch.setattr(UploadedFile, "read", lambda self, *args: b"")
    at.run()
    at.run()

    assert_healthy(at)
    assert used(at).dataset_key == key
    assert used(at).dataset.m == 20


def test_the_upload_returns_after_choosing_another_data_set(uploaded):
    at = uploaded("two_features.csv")
    at.selectbox(key=upload.LABEL_KEY).set_value("width").run()
    key = used(at).dataset_key

    at.selectbox(key="data").set_value("wine").run()
    assert used(at).dataset_key == "wine"
    at.selectbox(key="data").set_value("upload").run()

    assert used(at).dataset_key == key
    assert at.selectbox(key=upload.LABEL_KEY).value == "width"
    assert "Using 'two_features.csv', uploaded earlier" in sidebar_texts(at)


def test_a_new_file_with_other_columns_starts_from_its_own_defaults(uploaded):
    at = uploaded("two_features.csv")
    at.selectbox(key=upload.LABEL_KEY).set_value("width").run()
    at = uploaded("ten_classes.csv", at=at)

    assert at.selectbox(key=upload.LABEL_KEY).value == "digit"
    assert used(at).dataset.k == 10


def test_columns_left_out_of_one_file_stay_in_another_with_the_same_names(uploaded):
    # a and b hold text in the first file and are left out; the second file
    # has the same columns, all numbers, and must get its own features.
    text = b"a,b,c,kind\nred,1x,1,x\nblue,2y,2,y\nred,3x,3,x\nblue,4y,4,y\n"
    at = uploaded("words.csv", text)
    at.multiselect(key=upload.FEATURES_KEY).set_value(["a", "b", "c"]).run()
    at.button(key=upload.LEAVE_OUT_KEY).click().run()
    assert at.multiselect(key=upload.FEATURES_KEY).value == ["c"]

    numbers = b"a,b,c,kind\n1,2,3,x\n4,5,6,y\n7,8,9,x\n1,1,1,y\n"
    at = uploaded("numbers.csv", numbers, at=at)

    assert not errors(at)
    assert at.multiselect(key=upload.FEATURES_KEY).value == ["a", "b", "c"]
    assert used(at).dataset.feature_names == ("a", "b", "c")


# Every page, on data of other shapes.


@pytest.mark.parametrize(
    "name", ["ten_classes.csv", "one_feature.csv", "two_features.csv"]
)
def test_every_page_runs_on_an_upload(uploaded, name):
    at = uploaded(name)
    key = used(at).dataset_key
    failures = {}
    for page in PAGES:
        at.switch_page(page)
        at.run()
        if at.exception:
            failures[page] = at.exception[0].value
        assert used(at).dataset_key == key
    assert not failures


@pytest.mark.parametrize("name", ["wine", "breast_cancer"])
def test_every_page_runs_on_the_scikit_learn_sets(open_page, name):
    at = open_page(data=name)
    n = load_builtin(name).n
    failures = {}
    for page in PAGES:
        at.switch_page(page)
        at.run()
        if at.exception:
            failures[page] = at.exception[0].value
        assert used(at).dataset_key == name
        assert used(at).dataset.n == n
    assert not failures


# The loader's suggestion of columns, which the chooser starts from.


@pytest.mark.parametrize(
    "text, label, features",
    [
        (",Id,a,b,kind\n0,1,1.0,2.0,p\n", "kind", ("a", "b")),
        ("a,colour,kind,b\n1,red,p,2\n", "kind", ("a", "colour", "b")),
        ("x,y\n1,2\n", "y", ("x",)),
    ],
)
def test_default_columns_match_the_loader(text, label, features):
    frame, _ = read_table(text.encode())

    assert default_columns(frame) == (label, features)


def test_default_columns_of_a_table_of_ids_is_refused():
    frame = pd.DataFrame({"Id": [1, 2]})

    with pytest.raises(DataError, match="No column is left to hold the label"):
        default_columns(frame)


# The wording on scales, as a function of the data.


@pytest.mark.parametrize("spread, warned", [(1.0, False), (99.0, False), (101.0, True)])
def test_the_scale_warning_starts_above_a_ratio_of_100(spread, warned):
    frame = pd.DataFrame(
        {"a": [0.0, 1.0, 0.0, 1.0], "b": [0.0, spread, 0.0, spread], "k": list("pqpq")}
    )
    data = dataset_from_frame(frame, "k")

    assert (upload.scale_warning(data, "this") is not None) == warned


def test_a_constant_feature_does_not_count_as_a_scale():
    frame = pd.DataFrame({"a": [0.0, 1.0, 2.0], "b": [5.0, 5.0, 5.0], "k": list("pqp")})

    assert upload.scale_warning(dataset_from_frame(frame, "k"), "this") is None


def test_a_data_set_too_small_for_the_train_fraction_gets_a_message(uploaded):
    at = uploaded("three_rows.csv", b"x,y,kind\n1,2,a\n3,4,b\n5,6,a\n")
    at.select_slider(key="train_fraction").set_value(0.95).run()

    assert_healthy(at)
    messages = " ".join(e.value for e in at.error)
    assert "cannot be split" in messages
    assert "choose a fraction from 0.333 to 0.667" in messages


@pytest.mark.parametrize(
    "page, key, chosen, kept",
    [
        # Other data opens the Data page on its own first rows.
        ("chapters/data.py", "data_rows", (46, 57), (0, 8)),
        ("chapters/forward.py", "forward_sample", 100, 6),
        ("chapters/softmax.py", "softmax_sample", 140, 8),
    ],
)
def test_a_row_chosen_in_iris_is_pulled_inside_a_smaller_upload(
    uploaded, open_page, page, key, chosen, kept
):
    # number_labels.csv has 9 rows: 7 to train at the default train fraction.
    at = open_page(page, data="upload")
    at.session_state[key] = chosen
    at.run()

    at = uploaded("number_labels.csv", at=at)

    assert not at.exception, [e.value for e in at.exception]
    widget = at.slider(key=key) if key == "data_rows" else at.number_input(key=key)
    assert widget.value == kept


def labelled_rows(header: str, names: list[str]) -> bytes:
    """A CSV of three classes of 8 rows each, named by names, under header."""
    rows = [
        f"{x:.1f},{z:.1f},{name}"
        for x, z, name in zip((1, 2, 5), (2, 1, 5), names, strict=True)
        for _ in range(8)
    ]
    return (header + "\n" + "\n".join(rows) + "\n").encode()


def test_names_that_look_like_html_are_printed_as_typed_in_every_chart(uploaded):
    # Plotly reads a little HTML in its text: unescaped, these would be drawn
    # in italics, bold, across two lines, or as "a < b", not as the file has them.
    spelled = ["<i>width</i>", "<b>big</b>", "a &lt; b", "x<br>y"]
    raw = labelled_rows("<i>width</i>,height,kind", spelled[1:])
    at = uploaded("html_names.csv", raw)
    charts = {}
    for page in PAGES:
        at.switch_page(page)
        at.run()
        assert_healthy(at)
        charts[page] = json.dumps(figures(at))

    def in_json(text: str) -> str:
        return json.dumps(text)[1:-1]

    for page, text in charts.items():
        assert not [name for name in spelled if in_json(name) in text], page
    everything = "".join(charts.values())
    for name in spelled:
        assert in_json(html.escape(name, quote=False)) in everything, name


def test_names_that_look_like_markdown_are_written_as_typed_in_the_text(uploaded):
    # Streamlit's Markdown would print these as an italic c, as α, as a cat
    # emoji and in red; escaped, each reads as the file has it.
    spelled = ["*c*", "$\\alpha$", ":cat:", ":red[x]"]
    at = uploaded(
        f"{spelled[3]}_names.csv", labelled_rows("width,height,kind", spelled[:3])
    )
    said = []
    for page in ("chapters/forward.py", "chapters/softmax.py", "chapters/regions.py"):
        at.switch_page(page)
        at.run()
        assert_healthy(at)
        said += [e.value for e in (*at.markdown, *at.caption, *at.warning, *at.info)]

    shown = "\n".join(said)
    # Every name is there as the reader sees it, and never as bare markup.
    for name in spelled[:3]:
        assert name in read(shown), name
    assert "*c*" not in shown and "$\\alpha$" not in shown and " :cat:" not in shown
    # The file's name too, where the sidebar says what it trains on.
    captions = [c.value for c in at.sidebar.caption]
    assert any("':\u2060red\\[x\\]\\_names.csv'" in text for text in captions)


def test_lecture_mode_tables_print_names_as_typed(uploaded):
    # st.table reads Markdown: "$x$" became a math x in a header and "*c*" an
    # italic c in the label map.
    at = uploaded("markup.csv", labelled_rows("$x$,height,kind", ["*c*", "ok", "fine"]))
    at.toggle(key="lecture").set_value(True).run()
    cells = []
    for page in ("chapters/data.py", "chapters/export.py"):
        at.switch_page(page)
        at.run()
        assert_healthy(at)
        for table in at.table:
            frame = table.value
            cells += [*map(str, frame.columns), *map(str, frame.index)]
            cells += [str(value) for value in frame.to_numpy().ravel()]
    assert plain("$x$") in cells and plain("*c*") in cells
    assert "$x$" not in cells and "*c*" not in cells
