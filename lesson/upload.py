"""The sidebar's data chooser: a built-in data set, or a CSV file a person uploads.

Every page trains on what is chosen here. An upload goes through the loader the
command line uses (softmax_core.data). Whatever the loader refuses is shown with
st.error and, where a click can fix it, a widget that does; meanwhile the pages
keep the last data that loaded. The bytes of an uploaded file are read once and
kept in the session: the widget's buffer may read empty on a later rerun, and the
widget forgets its file when it is hidden.
"""

import hashlib
import json
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from pandas.api.types import is_numeric_dtype
from streamlit.delta_generator import DeltaGenerator

from lesson import runs
from lesson.text import plain
from softmax_core import BUILTIN_DATASETS, DataError, Dataset
from softmax_core.data import (
    dataset_from_frame,
    default_columns,
    read_table,
    unusable_cells,
)

UPLOAD = "upload"
CHOICES = {**BUILTIN_DATASETS, UPLOAD: "Your own CSV file"}
FILE_TYPES = ["csv", "txt", "tsv"]
FIRST_CHOICE = "iris"

# Above this ratio between the largest and the smallest standard deviation of the
# features, no one learning rate suits them all. Iris: 4; Wine: 2500.
SCALE_RATIO = 100

# Session-state keys of the widgets, then of what this module keeps itself.
DATA_KEY = "data"
LABEL_KEY = "upload_label"
FEATURES_KEY = "upload_features"
DROP_KEY = "upload_drop_missing"
MERGE_KEY = "upload_merge_labels"
FILE_KEY = "upload_file"
LEAVE_OUT_KEY = "upload_leave_out"
STORED_KEY = "upload_stored"  # the Upload, read from the widget once
CHOSEN_FOR_KEY = "upload_chosen_for"  # the file the choices above were made for
LABEL_BEFORE_KEY = "upload_label_before"  # the label column of the last rerun
LAST_GOOD_KEY = "data_last_good"  # the Loaded data the pages used last


@dataclass(frozen=True)
class Upload:
    """An uploaded file: its name and bytes, and a digest that names the bytes."""

    file_id: str
    name: str
    raw: bytes
    digest: str


@dataclass(frozen=True)
class Loaded:
    """Data the pages can use: its cache key, its name in sentences, the data."""

    key: str
    name: str
    dataset: Dataset


@dataclass(frozen=True)
class DataChoice:
    """What choose_data settled on, and a place for notes under the chooser."""

    key: str
    name: str
    dataset: Dataset
    notes: DeltaGenerator

    def warn_about_scales(self, standardize: bool) -> None:
        """Point to Standardize when raw features of wildly different scales train."""
        message = (
            None if standardize else _scale_warning(self.key, self.dataset, self.name)
        )
        if message:
            self.notes.warning(plain(message))


def choose_data() -> DataChoice:
    """Draw the data chooser in the sidebar and return the data the pages use."""
    fallback = st.session_state.get(LAST_GOOD_KEY) or builtin(FIRST_CHOICE)
    with st.sidebar:
        choice = data_selectbox()
        loaded = from_upload(fallback) if choice == UPLOAD else builtin(choice)
        notes = st.container()

    # A refused file, or none yet: the pages carry on with the last good data.
    if loaded is None:
        loaded = fallback
        if STORED_KEY in st.session_state:
            st.warning(
                f"Still using {plain(loaded.name)}: the uploaded file could not be "
                "used as it is. The sidebar says why and how to fix it."
            )
        else:
            st.info(f"The pages use {plain(loaded.name)} until you upload a CSV file.")
    st.session_state[LAST_GOOD_KEY] = loaded
    return DataChoice(loaded.key, loaded.name, loaded.dataset, notes)


def data_selectbox() -> str:
    """The choice of data, carried in the URL as ?data=wine.

    Written by hand rather than with bind="query-params": a bound selectbox puts
    the label it shows in the URL, "Wine (178 wines, 13 features, 3 classes)".
    """
    wanted = st.query_params.get(DATA_KEY)
    opening = DATA_KEY not in st.session_state
    if opening and wanted in CHOICES:
        st.session_state[DATA_KEY] = wanted
    # The box shows the name alone, which fits the sidebar; the caption below
    # says what is in it: "150 flowers, 4 features, 3 classes".
    choice = st.selectbox(
        "Data", options=list(CHOICES), format_func=_name_of, key=DATA_KEY
    )
    if opening and wanted is not None and wanted not in CHOICES:
        st.warning(
            f"The link's data={plain(repr(wanted))} is not one of these data sets "
            f"({', '.join(CHOICES)}), so the pages use {_name_of(choice)}."
        )
    if choice in BUILTIN_DATASETS:
        st.caption(BUILTIN_DATASETS[choice].split(" (")[1].rstrip(")"))

    # Like the bound widgets, the URL leaves out the default.
    if choice == FIRST_CHOICE:
        st.query_params.pop(DATA_KEY, None)
    elif st.query_params.get(DATA_KEY) != choice:
        st.query_params[DATA_KEY] = choice
    return choice


def _name_of(choice: str) -> str:
    """A choice's name without its counts: Wine, not Wine (178 wines, ...)."""
    return CHOICES[choice].split(" (")[0]


def builtin(name: str) -> Loaded:
    return Loaded(name, _name_of(name), runs.builtin_dataset(name))


@st.cache_data(show_spinner=False, max_entries=64)
def _scale_warning(dataset_key: str, _dataset: Dataset, name: str) -> str | None:
    """scale_warning, worked out once per data set; dataset_key names _dataset."""
    return scale_warning(_dataset, name)


def scale_warning(dataset: Dataset, name: str) -> str | None:
    """A warning when the features, the columns of X (m, n), differ wildly in scale."""
    spread = dataset.X.double().std(dim=0).nan_to_num()
    varied = (spread > 0).nonzero().flatten()
    if len(varied) < 2:
        return None
    widest = int(varied[spread[varied].argmax()])
    narrowest = int(varied[spread[varied].argmin()])
    ratio = float(spread[widest] / spread[narrowest])
    if ratio <= SCALE_RATIO:
        return None
    about = float(f"{ratio:.2g}")  # two significant digits: 2530 is about 2,500
    shown = f"{about:,.0f}" if about < 1e6 else f"{about:.1e}"
    return (
        f"The features of {name} differ in scale by a factor of about {shown}"
        f": the standard deviation of '{dataset.feature_names[widest]}' "
        f"is {float(spread[widest]):.3g}, that of "
        f"'{dataset.feature_names[narrowest]}' {float(spread[narrowest]):.3g}. No "
        "one learning rate suits both, so on the raw features training diverges or "
        "crawls. Switch on Standardize features below."
    )


# An uploaded file, from the widget to a Dataset.


def from_upload(fallback: Loaded) -> Loaded | None:
    """The upload flow, drawn in the sidebar; None while there is nothing to use."""
    limit_mb = st.get_option("server.maxUploadSize")
    file = st.file_uploader(
        f"A CSV file of at most {limit_mb} MB",
        type=FILE_TYPES,
        key=FILE_KEY,
        help="A header line of column names, then one line per example: a column "
        "naming its class and columns of numbers. Commas, semicolons or tabs "
        "between the values.",
    )
    upload = keep_bytes(file)
    if upload is None:
        st.info(
            "Upload a CSV file to train on it: one row per example, the features "
            f"as numbers, and a column naming the class. A file over {limit_mb} MB "
            "is refused and shows in red. Until then the pages use "
            f"{plain(fallback.name)}."
        )
        return None
    if file is None:
        st.caption(f"Using '{plain(upload.name)}', uploaded earlier in this session.")

    loaded = None
    if len(upload.raw) > limit_mb * 2**20:
        st.error(
            f"'{plain(upload.name)}' is {len(upload.raw) / 2**20:.1f} MB, more than "
            f"the {limit_mb} MB this app accepts. Keep fewer rows or columns and "
            "upload it again."
        )
    else:
        loaded = load_upload(upload)
    if loaded is None:
        st.caption(f"Until it loads, the pages use {plain(fallback.name)}.")
    return loaded


def keep_bytes(file) -> Upload | None:
    """The upload kept in the session, replaced when the widget holds a new file."""
    stored = st.session_state.get(STORED_KEY)
    if file is not None and (stored is None or stored.file_id != file.file_id):
        # getvalue() gives the whole buffer, wherever a read() left its position.
        raw = file.getvalue()
        stored = Upload(file.file_id, file.name, raw, hashlib.sha256(raw).hexdigest())
        st.session_state[STORED_KEY] = stored
    return stored


def load_upload(upload: Upload) -> Loaded | None:
    """Read the file, let the person choose its columns, and load the Dataset."""
    try:
        frame, notices = read_upload(upload.digest, upload.raw)
        label, features = choose_columns(frame, upload.digest)
    except DataError as error:
        st.error(plain(error))
        return None

    drop = st.session_state.get(DROP_KEY, False)
    merge = st.session_state.get(MERGE_KEY, False)
    try:
        dataset = upload_dataset(
            upload.digest, frame, notices, label, tuple(features), drop, merge
        )
    except DataError as error:
        st.error(plain(error))
        offer_fix(error, frame, label, features, drop, merge)
        return None

    name = f"'{upload.name}'"
    describe(dataset, name, drop, merge)
    choice = json.dumps([upload.digest, label, features, drop, merge])
    key = "upload-" + hashlib.sha256(choice.encode()).hexdigest()[:16]
    return Loaded(key, name, dataset)


# Parsed tables and datasets are shared by sessions that upload the same bytes; a
# refusal is raised again on every rerun, which stays cheap for a few MB.
@st.cache_resource(show_spinner=False, max_entries=8)
def read_upload(digest: str, _raw: bytes) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """read_table of the bytes; digest names them, as _raw is not hashed."""
    return read_table(_raw)


@st.cache_resource(show_spinner=False, max_entries=32)
def upload_dataset(
    digest: str,
    _frame: pd.DataFrame,
    _notices: tuple[str, ...],
    label: str,
    features: tuple[str, ...],
    drop: bool,
    merge: bool,
) -> Dataset:
    """dataset_from_frame of the table read from the bytes named by digest."""
    return dataset_from_frame(
        _frame,
        label,
        features,
        drop_missing=drop,
        merge_similar_labels=merge,
        notices=_notices,
    )


def choose_columns(frame: pd.DataFrame, digest: str) -> tuple[str, list[str]]:
    """Draw the label and feature choosers; their values hold across reruns.

    digest names the file: another file, even one with the same columns,
    starts from the loader's choice, since what suited one (columns left out)
    can leave another with no features at all.
    """
    columns = tuple(frame.columns)
    label, features = default_columns(frame)
    row_numbers = [name for name in columns if name not in {label, *features}]

    # Another file starts from the loader's choice, numbers only.
    if st.session_state.get(CHOSEN_FOR_KEY) != digest:
        st.session_state[LABEL_KEY] = label
        st.session_state[FEATURES_KEY] = [
            name for name in features if is_numeric_dtype(frame[name])
        ]
        st.session_state.pop(DROP_KEY, None)
        st.session_state.pop(MERGE_KEY, None)
        st.session_state.pop(LABEL_BEFORE_KEY, None)
        st.session_state[CHOSEN_FOR_KEY] = digest

    label = st.selectbox(
        "Label column",
        columns,
        key=LABEL_KEY,
        persist_state="session",
        help="The column that names each example's class: y.",
    )
    options = [name for name in columns if name != label]
    chosen = [name for name in st.session_state[FEATURES_KEY] if name in options]
    # A column of numbers that was the label and no longer is goes back among
    # the features: it left them only to become the label.
    before = st.session_state.get(LABEL_BEFORE_KEY)
    if (
        before not in (None, label, *chosen)
        and before in options
        and before not in row_numbers
        and is_numeric_dtype(frame[before])
    ):
        chosen = [name for name in options if name in {*chosen, before}]
    st.session_state[LABEL_BEFORE_KEY] = label
    if chosen != st.session_state[FEATURES_KEY]:
        st.session_state[FEATURES_KEY] = chosen
    features = st.multiselect(
        "Feature columns",
        options,
        key=FEATURES_KEY,
        persist_state="session",
        help="The columns of numbers the model learns from: the columns of X.",
    )

    unused = [name for name in options if name not in features]
    reasons = [unused_reason(frame, name, row_numbers) for name in unused]
    if reasons:
        st.caption(plain("Not among the features: " + "; ".join(reasons) + "."))
    return label, features


def unused_reason(frame: pd.DataFrame, name: str, row_numbers: list[str]) -> str:
    """Why a column is not among the features: the loader's reason, or the person's."""
    if name in row_numbers:
        return (
            f"'{name}', which numbers the rows and would predict the label without "
            "meaning anything"
        )
    if is_numeric_dtype(frame[name]):
        return f"'{name}', taken out above"
    column = frame[name]
    text = column.notna() & pd.to_numeric(column, errors="coerce").isna()
    row = text.idxmax()
    return f"'{name}', which holds text ('{column[row]}' on line {row + 2})"


def offer_fix(
    error: DataError,
    frame: pd.DataFrame,
    label: str,
    features: list[str],
    drop: bool,
    merge: bool,
) -> None:
    """Below a refusal, the widget that fixes it, where a click can."""
    if error.kind == "non_numeric":
        st.button(
            plain(
                "Leave " + " and ".join(f"'{name}'" for name in error.columns) + " out"
            ),
            key=LEAVE_OUT_KEY,
            on_click=leave_out,
            args=(error.columns,),
        )
    if error.kind in ("missing_values", "infinite") or drop:
        drop_checkbox()
    if error.kind in ("missing_values", "infinite") and not drop:
        chosen = frame[[label, *features]]
        unusable = int(unusable_cells(chosen, features).any(axis=1).sum())
        st.caption(
            f"{unusable} of {len(frame)} rows have a missing or infinite value in "
            f"the chosen columns; dropping them leaves {len(frame) - unusable}."
        )
    if merge:
        merge_checkbox()


def leave_out(columns: tuple[str, ...]) -> None:
    st.session_state[FEATURES_KEY] = [
        name for name in st.session_state[FEATURES_KEY] if name not in columns
    ]


def drop_checkbox() -> None:
    st.checkbox(
        "Drop rows with missing or infinite values",
        key=DROP_KEY,
        persist_state="session",
    )


def merge_checkbox() -> None:
    st.checkbox(
        "Merge labels that differ only by spaces or case",
        key=MERGE_KEY,
        persist_state="session",
        help="Each group of spellings becomes one class, named by its first "
        "spelling in the file.",
    )


def describe(dataset: Dataset, name: str, drop: bool, merge: bool) -> None:
    """What was loaded, the label map, and what the loader did or doubts."""
    st.caption(
        f"Training on {plain(name)}: {count(dataset.m, 'row')}, "
        f"n = {count(dataset.n, 'feature')}, k = {count(dataset.k, 'class')}."
    )
    st.caption(
        "Classes, numbered as y: "
        + ", ".join(
            f"'{plain(label)}' → {j}" for j, label in enumerate(dataset.class_names)
        )
    )
    for notice in dataset.notices:
        st.caption(plain(notice))
    for warning in dataset.warnings:
        st.warning(plain(warning))
    if drop:
        drop_checkbox()
    if dataset.similar_labels or merge:
        merge_checkbox()


def count(number: int, noun: str) -> str:
    """ "1 row", "3 rows", "2 classes"."""
    plural = noun + ("es" if noun.endswith("s") else "s")
    return f"{number} {noun if number == 1 else plural}"
