"""The first three pages, run headless: Home, Data and one-hot, Forward pass."""

from pathlib import Path

import numpy as np
import pytest

from lesson import upload
from tests.pagetools import chart, values

UPLOADS = Path(__file__).resolve().parent / "data" / "uploads"
HOME, DATA, FORWARD = "chapters/home.py", "chapters/data.py", "chapters/forward.py"
PAGES = [HOME, DATA, FORWARD]

# Each sidebar control at both ends of its range.
SIDEBAR_ENDS = [
    ("learning_rate", 0.0001),
    ("learning_rate", 10.0),
    ("lam", 0.0),
    ("lam", 1.0),
    ("iterations", 1),
    ("iterations", 5000),
    ("seed", -(2**31)),
    ("seed", 2**31 - 1),
    ("train_fraction", 0.5),
    ("train_fraction", 0.95),
    ("standardize", True),
    ("article_nn", True),
    ("lecture", True),
]


def source_shown(at) -> str:
    return "\n".join(block.value for block in at.code)


def assert_ran(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("data", ["iris", "wine", "breast_cancer"])
def test_page_runs_on_every_builtin_data_set(open_page, page, data):
    at = open_page(page, data=data)
    assert_ran(at)
    assert at.title


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("key", "value"), SIDEBAR_ENDS)
def test_page_runs_with_each_sidebar_control_at_its_ends(open_page, page, key, value):
    at = open_page(page, **{key: value})
    assert_ran(at)


@pytest.mark.parametrize("page", [HOME, FORWARD])
def test_a_diverging_run_says_so_without_a_traceback(open_page, page):
    at = open_page(page, learning_rate=10.0, lam=0.5)
    assert_ran(at)
    assert any("Training broke" in e.value for e in at.error)
    # The figures show the last W and b whose loss was finite, and say so.
    t = 19  # the loss of (10, 0.5) turns inf at iteration 21
    assert any(
        f"W and b after iteration {t}, the last with a finite loss" in c.value
        for c in at.caption
    )


def test_data_page_trains_nothing_so_a_diverging_setting_changes_nothing(open_page):
    at = open_page(DATA, learning_rate=10.0, lam=0.5)
    assert_ran(at)
    assert not at.error


# Home.


def test_home_network_follows_the_iterations(open_page):
    at = open_page(HOME)
    before = chart(at, "home_network")
    at.slider(key="iterations").set_value(1000).run()
    after = chart(at, "home_network")
    hover = [t for t in before["data"] if t.get("name") == "weights"][0]["text"]
    assert hover != [t for t in after["data"] if t.get("name") == "weights"][0]["text"]


def test_home_counts_follow_the_train_fraction(open_page):
    at = open_page(HOME)
    assert values(chart(at, "home_counts")["data"][0]["y"]).sum() == 120
    at.select_slider(key="train_fraction").set_value(0.5).run()
    assert values(chart(at, "home_counts")["data"][0]["y"]).sum() == 75
    assert [m.value for m in at.metric][3:] == ["75", "75"]


def test_home_links_carry_the_sidebar_keys(open_page):
    at = open_page(HOME)
    links = "\n".join(m.value for m in at.markdown)
    assert "(./descent?learning_rate=10&lam=0.5)" in links
    assert "(./descent?standardize=true)" in links
    assert "(./three?article_nn=true)" in links
    assert "lecture=" not in links


def test_home_links_keep_lecture_mode_on(open_page):
    at = open_page(HOME, lecture=True)
    links = "\n".join(m.value for m in at.markdown)
    assert "(./descent?learning_rate=10&lam=0.5&lecture=true)" in links
    assert "(./three?article_nn=true&lecture=true)" in links


def test_home_shows_the_training_loop(open_page):
    assert "def train_manual" in source_shown(open_page(HOME))


# Data and one-hot.


def test_data_page_shows_the_label_map_in_order_of_appearance(open_page):
    at = open_page(DATA)
    assert (
        "target_map = {'Iris-setosa': 0, 'Iris-versicolor': 1, 'Iris-virginica': 2}"
        in source_shown(at)
    )
    assert "def one_hot" in source_shown(at)
    assert "def prepare" in source_shown(at)


def test_data_page_opens_the_one_hot_rows_where_the_class_changes(open_page):
    at = open_page(DATA)
    onehot = chart(at, "data_one_hot")["data"][1]
    assert at.slider(key="data_rows").value == (46, 57)
    assert onehot["y"][0] == "46" and len(onehot["y"]) == 12


def test_data_page_shows_at_most_thirty_one_hot_rows(open_page):
    at = open_page(DATA)
    at.slider(key="data_rows").set_value((0, 149)).run()
    assert_ran(at)
    assert len(chart(at, "data_one_hot")["data"][1]["y"]) == 30
    assert any("first 30" in c.value for c in at.caption)


def test_data_page_one_hot_has_k_columns_even_for_a_single_class(open_page):
    at = open_page(DATA)
    at.slider(key="data_rows").set_value((0, 5)).run()  # all Iris-setosa
    one_hot = chart(at, "data_one_hot")["data"][1]
    assert one_hot["x"] == ["0", "1", "2"]
    # The hover names each column's class.
    assert list(values(one_hot["customdata"])[0]) == [
        "Iris-setosa",
        "Iris-versicolor",
        "Iris-virginica",
    ]


def test_data_page_split_follows_the_train_fraction_and_seed(open_page):
    def test_points(at) -> int:
        traces = chart(at, "data_split")["data"]
        tests = [t for t in traces if t.get("name", "").endswith(", test")]
        return sum(len(values(t["x"])) for t in tests)

    at = open_page(DATA)
    assert test_points(at) == 30
    at.select_slider(key="train_fraction").set_value(0.5).run()
    assert test_points(at) == 75


def test_data_page_scatter_defaults_to_petals_and_follows_the_choice(open_page):
    at = open_page(DATA)
    layout = chart(at, "data_split")["layout"]
    assert layout["xaxis"]["title"]["text"] == "PetalLengthCm"
    assert layout["yaxis"]["title"]["text"] == "PetalWidthCm"
    at.selectbox(key="data_x").set_value("SepalLengthCm").run()
    layout = chart(at, "data_split")["layout"]
    assert layout["xaxis"]["title"]["text"] == "SepalLengthCm"


def test_data_page_scatter_uses_the_first_two_features_elsewhere(open_page):
    at = open_page(DATA, data="wine")
    layout = chart(at, "data_split")["layout"]
    assert layout["xaxis"]["title"]["text"] == "alcohol"
    assert layout["yaxis"]["title"]["text"] == "malic_acid"


# Forward pass.


def test_forward_page_writes_out_the_shapes(open_page):
    at = open_page(FORWARD)
    formulas = " ".join(block.value for block in at.latex)
    assert "(120,\\,4)" in formulas and "(4,\\,3)" in formulas
    assert "(120,\\,3)" in formulas and "(3,)" in formulas
    assert "def logits" in source_shown(at)


def test_forward_page_follows_the_sample_and_the_iterations(open_page):
    at = open_page(FORWARD)

    def logits(at, when: int) -> np.ndarray:
        return values(chart(at, f"forward_Z_{when}")["data"][0]["y"])

    start, trained = logits(at, 0), logits(at, 1)
    at.slider(key="iterations").set_value(1000).run()
    np.testing.assert_array_equal(logits(at, 0), start)
    assert not np.allclose(logits(at, 1), trained)

    at.number_input(key="forward_sample").set_value(7).run()
    assert not np.allclose(logits(at, 0), start)


def test_forward_page_sample_range_follows_the_split(open_page):
    at = open_page(FORWARD, train_fraction=0.5)
    assert at.number_input(key="forward_sample").max == 74


# Uploads: any n, up to 20 classes.


def open_with_upload(open_page, page: str, name: str):
    at = open_page(page, data="upload")
    content = (UPLOADS / name).read_bytes()
    at.file_uploader(key=upload.FILE_KEY).set_value((name, content, "text/csv"))
    at.run()
    assert_ran(at)
    assert at.session_state["context"].dataset_key.startswith("upload")
    return at


def test_data_page_says_a_single_feature_has_no_pair_to_plot(open_page):
    at = open_with_upload(open_page, DATA, "one_feature.csv")
    assert any("single feature" in i.value for i in at.info)


@pytest.mark.parametrize("page", PAGES)
def test_pages_draw_ten_classes(open_page, page):
    at = open_with_upload(open_page, page, "ten_classes.csv")
    assert at.get("plotly_chart")


def test_data_page_scatter_choice_follows_a_change_of_data(open_page):
    at = open_page(DATA)
    at.selectbox(key="data").set_value("wine").run()
    layout = chart(at, "data_split")["layout"]
    # Iris's petal columns do not exist in wine: the choice falls back.
    assert layout["xaxis"]["title"]["text"] == "alcohol"
    assert at.selectbox(key="data_x").value == "alcohol"


def test_a_cached_figure_follows_what_it_shows_and_only_that(open_page):
    at = open_page(DATA)
    split, one_hot = chart(at, "data_split"), chart(at, "data_one_hot")

    at.session_state["iterations"] = 100
    at.run()
    assert chart(at, "data_split") == split
    assert chart(at, "data_one_hot") == one_hot

    at.session_state["seed"] = 7
    at.run()
    assert chart(at, "data_split") != split


def test_lecture_mode_enlarges_a_copy_not_the_figure_sessions_share(open_page):
    lecture = open_page(DATA, lecture=True)
    plain = open_page(DATA)

    assert chart(lecture, "data_split")["layout"]["font"]["size"] == 20
    assert "font" not in chart(plain, "data_split")["layout"]


def test_lecture_mode_draws_tables_a_projector_can_read(open_page):
    plain = open_page(DATA)
    lecture = open_page(DATA, lecture=True)

    # The same rows, as a canvas table normally and as an HTML one for a hall.
    assert len(lecture.dataframe) == 0
    assert len(lecture.table) == len(plain.dataframe) > 0
    shown, data = lecture.table[0].value, plain.dataframe[0].value
    assert list(shown.columns) == list(data.columns)
    assert len(shown) == len(data) == 150


def test_home_says_which_data_the_pages_use_when_it_is_not_iris(open_page):
    assert not [i for i in open_page(HOME).info if "The pages now use" in i.value]

    at = open_page(HOME, data="wine")

    assert any("The pages now use Wine, chosen under Data" in i.value for i in at.info)


def test_lecture_mode_stacks_what_stands_side_by_side(open_page):
    # On a 1024-pixel projector, two heatmaps of W side by side clipped their
    # colour bars and labels, and five metrics cut their labels short.
    plain, lecture = open_page(FORWARD), open_page(FORWARD, lecture=True)
    assert [len(c.get("plotly_chart")) for c in plain.columns] == [2, 2]
    assert not lecture.columns
    assert len(lecture.get("plotly_chart")) == len(plain.get("plotly_chart"))

    home = open_page(HOME, lecture=True)
    assert [len(c.get("metric")) for c in home.columns] == [1, 1, 1, 1, 1, 0]


def test_lecture_mode_wraps_long_lines_of_code(open_page):
    # A projector cannot scroll a code block sideways.
    assert not any(code.proto.wrap_lines for code in open_page(HOME).code)
    assert all(code.proto.wrap_lines for code in open_page(HOME, lecture=True).code)
