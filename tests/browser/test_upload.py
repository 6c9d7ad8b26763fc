"""Uploading a CSV in Chromium: real files through the real widget.

Each test opens the lesson with ?data=upload, gives the file input a file with
Playwright's set_input_files, and reads what the sidebar and the page say. The
files are those of tests/data/uploads/; tests/test_pages_upload.py checks the
same cases through AppTest.
"""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UPLOADS = ROOT / "tests" / "data" / "uploads"
SIDEBAR = '[data-testid="stSidebar"]'
# As long as conftest allows a rerun.
ANSWER_TIMEOUT_MS = 60_000
FALLBACK = "The pages use Iris until you upload a CSV file."
ANSWERED = """
(name) => {
  const root = document.querySelector('[data-testid="stApp"]');
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  return root.getAttribute("data-test-script-state") === "notRunning"
    && (sidebar.innerText.includes(`Training on '${name}'`)
        || sidebar.querySelector('[data-testid="stAlertContentError"]') !== null);
}
"""


def upload(tab, name: str, content: bytes | None = None) -> None:
    """Give the sidebar's file input a file and wait for the rerun it starts."""
    files = UPLOADS / name if content is None else {
        "name": name, "mimeType": "text/csv", "buffer": content,
    }  # fmt: skip
    mark = tab.mark()
    tab.widget("upload_file").locator('input[type="file"]').set_input_files(files)
    tab.wait_for_rerun(mark)
    # A rerun already under way when the file arrived can end first: wait for
    # the sidebar to answer this file, with a refusal or with what it trains on.
    tab.page.wait_for_function(ANSWERED, arg=name, timeout=ANSWER_TIMEOUT_MS)
    tab.wait_for_charts()
    tab.assert_healthy()


def sidebar_alerts(tab, kind: str) -> list[str]:
    """Texts of the sidebar's st.error / st.warning / st.info boxes of one kind."""
    boxes = tab.page.locator(
        f'{SIDEBAR} [data-testid="stAlertContainer"]:has('
        f'[data-testid="stAlertContent{kind.title()}"])'
    )
    return [" ".join(text.split()) for text in boxes.all_inner_texts()]


def sidebar_text(tab) -> str:
    return " ".join(tab.page.locator(SIDEBAR).inner_text().split())


def click_checkbox(tab, key: str) -> None:
    mark = tab.mark()
    tab.widget(key).locator("label").click()
    tab.wait_for_rerun(mark)
    tab.assert_healthy()


def test_an_upload_trains_on_every_page_and_survives_reruns(tab, pages) -> None:
    tab.open("data", data="upload")
    assert FALLBACK in tab.alerts("info")
    assert "A CSV file of at most 5 MB" in sidebar_text(tab)

    upload(tab, "ten_classes.csv")
    assert "Training on 'ten_classes.csv': 60 rows, n = 3 features, k = 10" in (
        sidebar_text(tab)
    )
    assert "k = 10 classes" in tab.main_text()
    assert tab.query()["data"] == "upload"

    # Every page, reached from the sidebar, on the uploaded data.
    for entry in pages:
        if entry.url_path != tab.path():
            tab.open_from_sidebar(entry)
        tab.assert_healthy()
        assert "Training on 'ten_classes.csv'" in sidebar_text(tab), entry.title
        assert FALLBACK not in tab.alerts("info"), f"{entry.title} fell back to Iris"
        assert tab.query().get("data") == "upload", entry.title

    # Reruns read the kept bytes, not the widget's buffer.
    for _ in range(2):
        tab.press_slider("iterations", "ArrowLeft")
    assert "Training on 'ten_classes.csv'" in sidebar_text(tab)


@pytest.mark.parametrize(
    "name, error",
    [
        ("empty.csv", "The uploaded file is empty."),
        ("header_only.csv", "The file has a header line but no data rows."),
        ("image.csv", "The uploaded file is not a text file"),
        ("one_class.csv", "The label column 'kind' holds only one class"),
        ("many_classes.csv", "The label column 'name' holds 25 different values"),
        ("missing_values.csv", "Column 'a' has 2 missing values (lines 3, 9 of"),
        ("text_feature.csv", None),
    ],
)
def test_each_file_gets_a_clear_answer(tab, name, error) -> None:
    tab.open("data", data="upload")
    upload(tab, name)

    if error is None:
        assert not sidebar_alerts(tab, "error")
        assert "'colour', which holds text ('red' on line 2)" in sidebar_text(tab)
        return
    assert sidebar_alerts(tab, "error")[0].startswith(error)
    assert tab.alerts("warning")[0].startswith("Still using Iris:")
    assert "a table of 150 rows" in tab.main_text()


def test_missing_values_are_dropped_with_one_click(tab) -> None:
    tab.open("data", data="upload")
    upload(tab, "missing_values.csv")
    assert "dropping them leaves 7" in sidebar_text(tab)

    click_checkbox(tab, "upload_drop_missing")
    assert not sidebar_alerts(tab, "error")
    assert "Dropped 3 rows with missing or infinite values; 7 remain." in (
        sidebar_text(tab)
    )
    assert "a table of 7 rows" in tab.main_text()


def test_similar_labels_merge_with_one_click(tab) -> None:
    tab.open("data", data="upload")
    upload(tab, "similar_labels.csv")
    assert any(
        "differ only by spaces or case" in w for w in sidebar_alerts(tab, "warning")
    )
    assert "k = 5 classes" in tab.main_text()

    click_checkbox(tab, "upload_merge_labels")
    assert "k = 2 classes" in tab.main_text()
    assert "now count as ' setosa'" in sidebar_text(tab)


def test_a_refused_upload_keeps_the_last_good_upload(tab) -> None:
    tab.open("data", data="upload")
    upload(tab, "two_features.csv")
    upload(tab, "image.csv")

    assert sidebar_alerts(tab, "error")[0].startswith("The uploaded file is not a text")
    assert tab.alerts("warning")[0].startswith("Still using 'two_features.csv':")
    assert "a table of 20 rows" in tab.main_text()


def test_a_file_over_the_limit_is_refused_by_the_widget(tab) -> None:
    tab.open("data", data="upload")
    big = (UPLOADS / "two_features.csv").read_bytes() + b"1.0,2.0,no\n" * 600_000
    files = {"name": "big.csv", "mimeType": "text/csv", "buffer": big}
    tab.widget("upload_file").locator('input[type="file"]').set_input_files(files)

    chip = tab.widget("upload_file").locator('[data-testid="stFileChip"]')
    chip.wait_for()
    assert "File must be 5.0MB or smaller" in chip.inner_text()
    tab.assert_healthy()
    assert FALLBACK in tab.alerts("info")
    assert "a table of 150 rows" in tab.main_text()


def test_data_in_the_url_and_the_scale_warning(tab) -> None:
    tab.open("forward", data="wine")
    assert tab.shown("data").startswith("Wine")
    warnings = sidebar_alerts(tab, "warning")
    assert warnings and warnings[0].startswith("The features of Wine differ in scale")
    assert warnings[0].endswith("Switch on Standardize features below.")

    toggle = tab.widget("standardize").locator('input[type="checkbox"]')
    toggle.focus()
    mark = tab.mark()
    tab.page.keyboard.press("Space")
    tab.wait_for_rerun(mark)
    assert not sidebar_alerts(tab, "warning")
    assert tab.query()["data"] == "wine"


def test_a_second_smaller_upload_keeps_the_rows_shown_inside_it(tab) -> None:
    # Iris opens the Data page on rows 46-57; the 60-row file keeps them, and
    # the 20-row file after it must pull them inside its own rows.
    tab.open("data", data="upload")
    upload(tab, "ten_classes.csv")
    assert "a table of 60 rows" in tab.main_text()

    upload(tab, "two_features.csv")

    assert "a table of 20 rows" in tab.main_text()
    rows = tab.page.locator('.st-key-data_rows input[type="range"]')
    shown = [int(rows.nth(i).get_attribute("aria-valuetext")) for i in range(2)]
    # The smaller file opens on its own first change of class.
    assert shown == [0, 11]


def test_names_that_look_like_markdown_read_as_typed(tab) -> None:
    # Unescaped, Streamlit would print an italic c, the letter α and a cat.
    rows = "\n".join(
        f"{x},{z},{name}"
        for x, z, name in [(1, 2, "*c*"), (2, 1, "$\\alpha$"), (5, 5, ":cat:")]
        for _ in range(8)
    )
    tab.open("softmax", data="upload")
    upload(tab, "markup.csv", f"width,height,kind\n{rows}\n".encode())

    main = tab.page.locator('[data-testid="stMain"]')
    captions = main.locator('[data-testid="stCaptionContainer"]')
    read = " ".join(captions.all_inner_texts()).replace("\u2060", "")
    assert "its true class is *c*." in read, read
    text = tab.main_text()
    assert "🐱" not in text and "α" not in text
