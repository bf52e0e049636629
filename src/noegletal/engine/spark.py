"""Run the engine's SQL on Apache Spark (PySpark, an optional extra: ``uv sync --extra spark``).

The query is written once in DuckDB's dialect and transpiled to Spark SQL with sqlglot
(:func:`noegletal.engine.ledger.spark_sql`). Inputs reach Spark as Parquet files — the form a
cluster reads from shared storage too — and the (small) result is collected back.

Local mode by default (``local[2]`` on this 2-core machine). To use a cluster, set
``NOEGLETAL_SPARK_MASTER`` (e.g. ``spark://host:7077`` or ``yarn``) or ``SPARK_REMOTE``
(Spark Connect, ``sc://host:15002``), and put the Parquet data set on storage the cluster can
read (HDFS, S3, a shared mount); see ``docs/scale.md``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from noegletal.engine.ledger import LEDGER_OPTIONAL, LEDGER_TEXT, spark_sql
from noegletal.scratch import scratch_dir

__all__ = ["as_ledger", "run_spark_sql", "spark_session"]

_SESSION: Any = None


def spark_session() -> Any:
    """The shared SparkSession (created on first use)."""
    global _SESSION
    if _SESSION is not None:
        return _SESSION
    from pyspark.sql import SparkSession

    remote = os.environ.get("SPARK_REMOTE")
    builder = SparkSession.builder.appName("noegletal")
    if remote:
        builder = builder.remote(remote)
    else:
        builder = (
            builder.master(os.environ.get("NOEGLETAL_SPARK_MASTER", "local[2]"))
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.driver.memory", os.environ.get("NOEGLETAL_SPARK_MEMORY", "2g"))
        )
    builder = builder.config("spark.sql.session.timeZone", "UTC")
    # Spark cannot read Parquet timestamps in nanoseconds (what pandas writes): read them as
    # numbers, which as_ledger turns back into timestamps.
    builder = builder.config("spark.sql.legacy.parquet.nanosAsLong", "true")
    _SESSION = builder.getOrCreate()
    _SESSION.sparkContext.setLogLevel("ERROR") if not remote else None
    return _SESSION


def _to_parquet(frame: pd.DataFrame, folder: Path, name: str) -> str:
    path = folder / f"{name}.parquet"
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].astype("datetime64[us]")  # Spark cannot read ns
        elif pd.api.types.is_string_dtype(out[column]) or out[column].dtype == object:
            out[column] = out[column].astype("string")
    out.to_parquet(path, index=False)
    return str(path)


def as_ledger(frame: Any) -> Any:
    """A Spark DataFrame of the ledger read as the pandas loader reads it (text columns as
    text, missing optional id columns as missing values; see
    :func:`noegletal.engine.validate.ledger_relation`)."""
    from pyspark.sql import functions as F

    kinds = dict(frame.dtypes)
    if kinds.get("posting_date") == "bigint":  # nanoseconds (validated as a timestamp)
        frame = frame.withColumn(
            "posting_date", F.timestamp_micros(F.floor(F.col("posting_date") / 1000))
        )
    for name in LEDGER_TEXT:
        if name in kinds and kinds[name] != "string":
            frame = frame.withColumn(name, F.col(name).cast("string"))
    for name in LEDGER_OPTIONAL:
        if name not in kinds:
            frame = frame.withColumn(name, F.lit(None).cast("string"))
    return frame


def run_spark_sql(
    sql: str,
    relations: dict[str, str | pd.DataFrame],
    prepare: dict[str, Callable[[Any], Any]] | None = None,
) -> pd.DataFrame:
    """Run DuckDB-dialect ``sql`` on Spark over ``relations`` (name → Parquet path or
    DataFrame; ``prepare`` may adjust a relation as read) and return the result as a
    DataFrame."""
    spark = spark_session()
    with scratch_dir("spark") as tmp:
        for name, source in relations.items():
            path = source if isinstance(source, str) else _to_parquet(source, Path(tmp), name)
            frame = spark.read.parquet(path)
            if prepare and name in prepare:
                frame = prepare[name](frame)
            frame.createOrReplaceTempView(name)
        result = spark.sql(spark_sql(sql))
        columns = result.columns
        rows = result.collect()
    return pd.DataFrame([tuple(row) for row in rows], columns=columns)
