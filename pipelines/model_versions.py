"""Registered model versions that explain themselves, for every study (I/O: the MLflow registry).

A version's description is its model card's summary followed by the promotion gate's decision; its tags
carry ``study``, ``fingerprint``, ``gate_decision`` (``champion`` | ``challenger`` | ``replaced by vN``) and
``gate_reason``. An identical re-run — same ``fingerprint``, a hash the study computes from what makes two
models the same — reuses the version it matches instead of registering a new one.
Decision: docs/adr/0066-mlflow-runs-and-versions-explain-themselves.md.
"""

from __future__ import annotations

import mlflow
from mlflow.tracking import MlflowClient

from pipelines.tracking import CHALLENGER, CHAMPION


def registered_twin(client: MlflowClient, model_name: str, fingerprint: str) -> str | None:
    """The newest version of ``model_name`` tagged with ``fingerprint``, or ``None``."""
    try:
        versions = client.search_model_versions(f"name = '{model_name}'")
    except mlflow.exceptions.MlflowException:
        return None
    same = [int(v.version) for v in versions if (v.tags or {}).get("fingerprint") == fingerprint]
    return str(max(same)) if same else None


def card_summary(card: str) -> str:
    """The summary of a model card: its first paragraph after the title (``Registered model: …``)."""
    paragraphs = [p.strip() for p in card.split("\n\n") if p.strip() and not p.lstrip().startswith("#")]
    return paragraphs[0] if paragraphs else ""


def describe_version(
    client: MlflowClient, model_name: str, version: str, summary: str, decision: str, reason: str,
    model_description: str,
) -> None:  # fmt: skip
    """Write the card ``summary`` and the gate's ``decision`` and ``reason`` into the version's
    description and tags (``gate_decision``, ``gate_reason``), and ``model_description`` into the model's."""
    client.update_registered_model(model_name, description=model_description)
    client.update_model_version(model_name, version, description=f"{summary}\n\nGate: {decision} — {reason}.")
    client.set_model_version_tag(model_name, version, "gate_decision", decision)
    client.set_model_version_tag(model_name, version, "gate_reason", reason)


def register_or_reuse(
    client: MlflowClient, model_uri: str, model_name: str, fingerprint: str, card: str, study: str,
    model_description: str,
) -> tuple[str, bool]:  # fmt: skip
    """The version for the active run's logged model ``model_uri``: its registered twin when one has the same
    ``fingerprint`` (returns ``(version, False)``), else a new version tagged with it and ``study`` and
    described as a challenger awaiting the gate (``(version, True)``). The run is tagged
    ``registered_version`` (and ``registered_as`` when reused)."""
    twin = registered_twin(client, model_name, fingerprint)
    if twin is not None:
        mlflow.set_tag("registered_version", twin)
        mlflow.set_tag(
            "registered_as", f"identical to v{twin} (fingerprint {fingerprint}): not registered again"
        )
        return twin, False
    version = str(mlflow.register_model(model_uri, model_name).version)
    client.set_model_version_tag(model_name, version, "fingerprint", fingerprint)
    client.set_model_version_tag(model_name, version, "study", study)
    describe_version(
        client, model_name, version, card_summary(card), CHALLENGER, "awaiting the promotion gate",
        model_description,
    )  # fmt: skip
    mlflow.set_tag("registered_version", version)
    return version, True


def record_decision(
    client: MlflowClient, model_name: str, candidate, promoted: bool, champion_version: str | None, reason: str,
    model_description: str,
) -> dict:  # fmt: skip
    """Record the gate's decision on the ``candidate`` version (description and tags) and return
    ``promoted``, ``champion_version`` and ``reason``."""
    summary = (candidate.description or "").split("\n\nGate:")[0]
    decision = CHAMPION if promoted or champion_version == str(candidate.version) else CHALLENGER
    describe_version(client, model_name, str(candidate.version), summary, decision, reason, model_description)
    return {"promoted": promoted, "champion_version": champion_version, "reason": reason}
