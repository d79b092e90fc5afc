"""Offline JSON-LD processing for credentials.

Everything here runs without the network: pyld is given a document loader that serves only the
context documents bundled in ``contexts/`` (see its README) and refuses every other URL.

On top of plain pyld this module adds the two guards a signer needs, because anything JSON-LD
drops or mangles silently is not covered by a Data Integrity signature:

* :func:`expand_strict` refuses a document in which a property, type or identifier would be
  dropped on the way to RDF (an undefined term, a relative IRI, a ``null``), or a number that
  other JSON-LD processors would turn into a different literal (``2.0``);
* :func:`refuse_control_characters` refuses strings with C0 control characters or DEL, which
  pyld's URDNA2015 serialiser escapes differently from RDFC-1.0.

:func:`canonize` then gives the RDFC-1.0 canonical N-Quads of a document.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from pyld import jsonld
from pyld.context_resolver import ContextResolver

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC_EXAMPLES_V2_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2"
OB_V3P0_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Controlled Identifiers v1.0: defines verificationMethod, assertionMethod, controller and
# Multikey (with publicKeyMultibase), which the issuer profile uses as a controller document.
CID_V1_CONTEXT = "https://www.w3.org/ns/cid/v1"

# URL -> (file in CONTEXTS_DIR, SHA-256 of that file). The digest pins the exact published bytes.
BUNDLED_CONTEXTS: dict[str, tuple[str, str]] = {
    VC_V2_CONTEXT: (
        "credentials-v2.jsonld",
        "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
    ),
    VC_EXAMPLES_V2_CONTEXT: (
        "credentials-examples-v2.jsonld",
        "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c",
    ),
    OB_V3P0_CONTEXT: (
        "ob-v3p0-context-3.0.3.json",
        "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
    ),
    CID_V1_CONTEXT: (
        "cid-v1.jsonld",
        "ea216ecc1cb02cd39b693dba2250141e270ba0bf95890be107dd9a9e8e43de85",
    ),
}

# An absolute IRI (scheme ":" then no whitespace) or a blank node label; the same test pyld
# applies before it writes an IRI into RDF.
_ABSOLUTE_IRI = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*|_):[^\s]*$")
_CONTROL_CHARACTER = re.compile("[\x00-\x1f\x7f]")
_MAX_SAFE_INTEGER = 2**53 - 1


class UnsignableDocument(ValueError):
    """The document cannot be signed or verified safely: part of it would not be covered."""


class ContextNotBundled(UnsignableDocument):
    """A JSON-LD context URL that is not bundled with this module (nothing is fetched)."""

    def __init__(self, url: str):
        self.url = url
        bundled = ", ".join(sorted(BUNDLED_CONTEXTS))
        super().__init__(
            f"JSON-LD context {url!r} is not bundled with certificates.credentials and is never "
            f"fetched from the network. Bundled contexts: {bundled}."
        )


@cache
def _bundled_document(url: str) -> Any:
    """Read, digest-check and parse the bundled file for ``url`` (cached)."""
    filename, expected_sha256 = BUNDLED_CONTEXTS[url]
    data = (CONTEXTS_DIR / filename).read_bytes()
    actual_sha256 = hashlib.sha256(data).hexdigest()
    if actual_sha256 != expected_sha256:
        raise UnsignableDocument(
            f"bundled context file {filename} for {url} has SHA-256 {actual_sha256}, expected "
            f"{expected_sha256}: the file was changed, refusing to use it"
        )
    return json.loads(data.decode("utf-8"))


def load_bundled_context(url: str) -> Any:
    """Return a fresh copy of the bundled JSON-LD document for ``url``.

    Raises :class:`ContextNotBundled` for a URL that is not bundled.
    """
    if url not in BUNDLED_CONTEXTS:
        raise ContextNotBundled(url)
    return copy.deepcopy(_bundled_document(url))


def document_loader(url: str, options: dict | None = None) -> dict:
    """A pyld document loader that serves only the bundled contexts.

    Returns pyld's remote-document shape (``contextUrl``, ``documentUrl``, ``document``) for a
    bundled URL and raises :class:`ContextNotBundled` for any other URL; it never opens a
    network connection.
    """
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": load_bundled_context(url),
    }


def _options(**extra: Any) -> dict:
    """pyld options that keep every context lookup on the bundled loader."""
    return {
        "documentLoader": document_loader,
        # A private cache, so contexts resolved elsewhere in the process (perhaps by a loader
        # that does use the network) are never reused here.
        "contextResolver": ContextResolver({}, document_loader),
        "processingMode": "json-ld-1.1",
        **extra,
    }


def _root_cause(error: BaseException) -> BaseException:
    """Follow pyld's wrapped errors down to the first one raised."""
    seen: set[int] = set()
    current = error
    while id(current) not in seen:
        seen.add(id(current))
        details = getattr(current, "details", None)
        nested = (
            getattr(current, "cause", None)
            or (details.get("cause") if isinstance(details, dict) else None)
            or current.__cause__
        )
        if not isinstance(nested, BaseException):
            break
        current = nested
    return current


def _unsignable_from(error: jsonld.JsonLdError) -> UnsignableDocument:
    """Turn a pyld error into :class:`UnsignableDocument` (keeping ContextNotBundled as is)."""
    root = _root_cause(error)
    if isinstance(root, UnsignableDocument):
        return root
    code = getattr(root, "code", None) or getattr(error, "code", None)
    message = str(root).splitlines()[0] if str(root) else type(root).__name__
    suffix = f" ({code})" if code else ""
    return UnsignableDocument(f"JSON-LD processing failed: {message}{suffix}")


def _format_path(path: tuple[Any, ...]) -> str:
    """``("credentialSubject", 0, "name")`` -> ``credentialSubject[0].name``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(document)"


def _walk(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Yield ``(path, value)`` for every value in a JSON tree, keys included as strings."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key), key
            yield from _walk(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*path, index))


def refuse_control_characters(document: Any) -> None:
    """Raise :class:`UnsignableDocument` if any string or key contains a control character.

    Refused: U+0000 to U+001F (tab, newline and carriage return included) and U+007F. pyld's
    URDNA2015 N-Quads serialiser escapes these differently from RDFC-1.0, so a signature over
    such a string would not verify with other implementations.
    """
    for path, value in _walk(document):
        if isinstance(value, str):
            match = _CONTROL_CHARACTER.search(value)
            if match:
                raise UnsignableDocument(
                    f"control character U+{ord(match.group()):04X} in {_format_path(path)}: "
                    "strings with control characters (U+0000-U+001F, U+007F) cannot be "
                    "canonicalised consistently and are refused"
                )


class _StrictExpansionProcessor(jsonld.JsonLdProcessor):
    """pyld's processor, refusing every key that expansion would silently drop."""

    def __init__(self) -> None:
        super().__init__()
        self._property_path: list[str] = []

    def _expand(self, active_ctx, active_property, element, options, *args, **kwargs):
        # Track which property led here, only to name it in error messages.
        nested = isinstance(element, dict) and active_property is not None
        if nested:
            self._property_path.append(active_property)
        try:
            return super()._expand(active_ctx, active_property, element, options, *args, **kwargs)
        finally:
            if nested:
                self._property_path.pop()

    def _expand_object(
        self, active_ctx, active_property, expanded_active_property, element, *args, **kwargs
    ):
        # pyld drops a key when it expands to None or to something that is neither a keyword
        # nor an absolute IRI (see JsonLdProcessor._expand_object). Refuse instead.
        for key in element:
            if key == "@context":
                continue
            expanded = self._expand_iri(active_ctx, key, vocab=True)
            if expanded is None or not (
                jsonld._is_keyword(expanded) or _ABSOLUTE_IRI.match(expanded)
            ):
                where = _format_path((*self._property_path, key))
                raise UnsignableDocument(
                    f"property {key!r} at {where} is not defined by any @context of the "
                    "document, so JSON-LD expansion would drop it and it would not be signed"
                )
        return super()._expand_object(
            active_ctx, active_property, expanded_active_property, element, *args, **kwargs
        )


def _refuse_nulls(document: Any) -> None:
    """JSON-LD drops ``null`` values, so they would not be signed: refuse them."""
    for path, value in _walk(document):
        if value is None:
            raise UnsignableDocument(
                f"null value at {_format_path(path)}: JSON-LD expansion drops nulls, so it "
                "would not be signed; leave the property out instead"
            )


def _refuse_unportable_numbers(document: Any) -> None:
    """Refuse numbers that JSON-LD processors turn into different RDF literals.

    JavaScript cannot tell ``2.0`` from ``2``: jsonld.js writes ``"2"`` where pyld writes
    ``"2.0E0"``, so a signature over a whole-valued float would not verify elsewhere. The same
    goes for integers beyond 2**53 (not exact in JavaScript) and for NaN and infinities.
    """
    for path, value in _walk(document):
        if isinstance(value, bool):
            continue
        if isinstance(value, float) and (not math.isfinite(value) or value.is_integer()):
            raise UnsignableDocument(
                f"number {value!r} at {_format_path(path)} is not portable between JSON-LD "
                "processors: write whole numbers without a fractional part (2, not 2.0)"
            )
        if isinstance(value, int) and abs(value) > _MAX_SAFE_INTEGER:
            raise UnsignableDocument(
                f"integer at {_format_path(path)} is too large to be processed exactly by every "
                "JSON-LD processor; write it as a string"
            )


def _node_objects(expanded: Any) -> Iterator[dict]:
    """Yield every object of an expanded document except value objects and their contents."""
    if isinstance(expanded, list):
        for item in expanded:
            yield from _node_objects(item)
    elif isinstance(expanded, dict) and "@value" not in expanded:
        yield expanded
        for key, item in expanded.items():
            if key not in ("@id", "@type"):
                yield from _node_objects(item)


def _refuse_relative_iris(expanded: Any) -> None:
    """Refuse identifiers and types that are not absolute IRIs (RDF conversion drops them)."""
    for value in _node_objects(expanded):
        identifier = value.get("@id")
        if isinstance(identifier, str) and not _ABSOLUTE_IRI.match(identifier):
            raise UnsignableDocument(
                f"identifier {identifier!r} is not an absolute IRI; RDF conversion would drop "
                "it and the statements about it, so they would not be signed"
            )
        types = value.get("@type", [])
        for type_ in [types] if isinstance(types, str) else types:
            if isinstance(type_, str) and not _ABSOLUTE_IRI.match(type_):
                raise UnsignableDocument(
                    f"type {type_!r} is not defined by any @context of the document (it expands "
                    "to a relative IRI), so RDF conversion would drop it and it would not be "
                    "signed"
                )


def expand_strict(document: dict) -> list:
    """Expand ``document`` with the bundled contexts, refusing anything expansion would drop.

    Raises :class:`UnsignableDocument` when a key is not defined by any context (or is a
    keyword-like string that is not a keyword), a value is ``null``, an ``id`` or ``type``
    does not expand to an absolute IRI, a number would be canonicalised differently by other
    JSON-LD processors (``2.0``, integers beyond 2**53), or JSON-LD processing fails; and
    :class:`ContextNotBundled` when the document names a context that is not bundled.
    Returns pyld's expanded form.
    """
    if not isinstance(document, dict):
        raise UnsignableDocument("a credential must be a JSON object")
    if "@context" not in document:
        raise UnsignableDocument("the document has no @context")
    _refuse_nulls(document)
    _refuse_unportable_numbers(document)
    try:
        expanded = _StrictExpansionProcessor().expand(document, _options())
    except jsonld.JsonLdError as error:
        raise _unsignable_from(error) from error
    _refuse_relative_iris(expanded)
    return expanded


class _BoundedURDNA2015(jsonld.URDNA2015):
    """pyld's URDNA2015 with a cap on deep iterations, so "poison" graphs fail fast.

    Without a cap, a document whose blank nodes are symmetric (say, a clique of nodes that all
    point at each other) makes Hash N-Degree Quads run for an exponential time; RDFC-1.0 asks
    implementations to guard against this. The cap is the one rdf-canonize (jsonld.js) uses by
    default, ``maxWorkFactor`` 1: as many deep iterations as there are blank nodes left without
    a canonical label after the first-degree hashes. A document it refuses could not be
    verified by jsonld.js either.
    """

    def __init__(self) -> None:
        super().__init__()
        self._remaining_deep_iterations: int | None = None

    def hash_n_degree_quads(self, id_, issuer):
        if self._remaining_deep_iterations is None:
            # First call: the hash-to-blank-nodes map now holds the non-unique blank nodes.
            self._remaining_deep_iterations = sum(map(len, self.hash_to_blank_nodes.values()))
        if self._remaining_deep_iterations <= 0:
            raise UnsignableDocument(
                "the document's blank nodes are too symmetric to canonicalise in bounded time "
                "(maximum deep iterations exceeded); give the nested objects an id"
            )
        self._remaining_deep_iterations -= 1
        return super().hash_n_degree_quads(id_, issuer)


def canonize(document: dict) -> str:
    """Return the RDFC-1.0 (URDNA2015) canonical N-Quads of ``document`` as a string.

    Contexts come only from the bundle. This does not run the strict checks: callers that sign
    or verify run :func:`expand_strict` and :func:`refuse_control_characters` first.
    Raises :class:`UnsignableDocument` if JSON-LD processing fails or the blank nodes need
    more deep iterations than jsonld.js allows by default.
    """
    # What JsonLdProcessor.normalize does, with the bounded canonicaliser.
    try:
        dataset = jsonld.JsonLdProcessor().to_rdf(
            document, _options(produceGeneralizedRdf=False, extractAllScripts=True)
        )
        return _BoundedURDNA2015().main(dataset, {"format": "application/n-quads"})
    except jsonld.JsonLdError as error:
        raise _unsignable_from(error) from error
