"""Read what an evalscript asks for, without running JavaScript.

The emulator understands the evalscripts that return input samples unchanged (the shape
``generate_evalscript`` produces and the monitor sends): ``setup()`` declares input bands, units and outputs
(id, band count, sample type), and ``evaluatePixel`` returns either an array ``[s.B04, s.B03]`` for a single
output or an object ``{bands: [s.B02, ...], dataMask: [s.dataMask]}``. Arithmetic on samples is not
supported and answered with an evalscript error, as is any band the collection lacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ("Evalscript", "EvalscriptError", "Output", "parse_evalscript")

SAMPLE_TYPES = ("AUTO", "UINT8", "UINT16", "FLOAT32")


class EvalscriptError(ValueError):
    """The evalscript is invalid or beyond what the emulator can execute."""


@dataclass(frozen=True)
class Output:
    """One declared output and the input bands it returns, in order."""

    id: str
    n_bands: int
    sample_type: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Evalscript:
    """The parsed evalscript."""

    inputs: tuple[str, ...]
    units: str
    mosaicking: str
    outputs: tuple[Output, ...]


def _block(text: str, key: str) -> str | None:
    m = re.search(rf"\b{key}\s*:\s*([\[{{])", text)
    if m is None:
        return None
    opening = m.group(1)
    closing = "]" if opening == "[" else "}"
    depth = 0
    for i in range(m.start(1), len(text)):
        depth += (text[i] == opening) - (text[i] == closing)
        if depth == 0:
            return text[m.start(1) : i + 1]
    raise EvalscriptError(f"unbalanced {opening} after {key}:")


def _strings(text: str) -> list[str]:
    return re.findall(r"[\"']([^\"']+)[\"']", text)


def _sources(array: str, param: str) -> tuple[str, ...]:
    items = [x.strip() for x in array.strip()[1:-1].split(",") if x.strip()]
    out = []
    for item in items:
        m = re.fullmatch(rf"{re.escape(param)}\.(\w+)", item)
        if m is None:
            raise EvalscriptError(f"evaluatePixel returns {item!r}; the emulator only returns input samples")
        out.append(m.group(1))
    return tuple(out)


def _returns(script: str) -> dict[str, tuple[str, ...]]:
    m = re.search(r"function\s+evaluatePixel\s*\(\s*(\w+)", script)
    if m is None:
        raise EvalscriptError("no evaluatePixel(samples) function")
    param, body = m.group(1), script[m.end() :]
    r = re.search(r"\breturn\s*([\[{])", body)
    if r is None:
        raise EvalscriptError("evaluatePixel has no return statement")
    if r.group(1) == "[":
        array = _block("return: " + body[r.start(1) :], "return")
        assert array is not None
        return {"": _sources(array, param)}
    obj = _block("return: " + body[r.start(1) :], "return")
    assert obj is not None
    found = re.findall(r"(\w+)\s*:\s*(\[[^\]]*\])", obj)
    if not found:
        raise EvalscriptError("evaluatePixel returns an object without arrays of samples")
    return {key: _sources(arr, param) for key, arr in found}


def _outputs(setup: str, returned: dict[str, tuple[str, ...]]) -> tuple[Output, ...]:
    block = _block(setup, "output")
    if block is None:
        raise EvalscriptError("setup() declares no output")
    objects = re.findall(r"\{[^{}]*\}", block)
    outs = []
    for obj in objects:
        ident = re.search(r"\bid\s*:\s*[\"']([^\"']+)[\"']", obj)
        n = re.search(r"\bbands\s*:\s*(\d+)", obj)
        st = re.search(r"\bsampleType\s*:\s*(?:SampleType\.)?[\"']?(\w+)", obj)
        oid = ident.group(1) if ident else "default"
        sample = (st.group(1) if st else "AUTO").upper()
        if n is None or sample not in SAMPLE_TYPES:
            raise EvalscriptError(f"output {oid!r}: needs bands: N and a sampleType in {SAMPLE_TYPES}")
        sources = returned.get(oid, returned.get("") if len(objects) == 1 else None)
        if sources is None:
            raise EvalscriptError(f"output {oid!r} is declared but evaluatePixel returns nothing for it")
        if len(sources) != int(n.group(1)):
            raise EvalscriptError(f"output {oid!r} declares {n.group(1)} bands, evaluatePixel returns {len(sources)}")
        outs.append(Output(oid, int(n.group(1)), sample, sources))
    return tuple(outs)


def parse_evalscript(script: str) -> Evalscript:
    """Parse an evalscript.

    Args:
        script: The evalscript text.

    Returns:
        Its inputs, units, mosaicking and outputs.

    Raises:
        EvalscriptError: Not a version-3 evalscript, or beyond what the emulator executes.
    """
    if not script.lstrip().startswith("//VERSION=3"):
        raise EvalscriptError("the evalscript must start with //VERSION=3")
    m = re.search(r"function\s+setup\s*\(\s*\)\s*\{", script)
    if m is None:
        raise EvalscriptError("no setup() function")
    setup = script[m.end() :]
    block = _block(setup, "input")
    if block is None:
        raise EvalscriptError("setup() declares no input")
    bands_block = _block(block, "bands")
    inputs = tuple(_strings(bands_block)) if bands_block else tuple(_strings(block))
    if not inputs:
        raise EvalscriptError("setup() input lists no bands")
    unit_m = re.search(r"\bunits\s*:\s*(?:\[\s*)?[\"'](\w+)[\"']", block)
    mosaic_m = re.search(r"\bmosaicking\s*:\s*(?:Mosaicking\.)?[\"']?(\w+)", setup)
    returned = _returns(script)
    outputs = _outputs(setup, returned)
    for out in outputs:
        unknown = [b for b in out.sources if b not in inputs]
        if unknown:
            raise EvalscriptError(f"evaluatePixel uses {unknown} which setup() does not request")
    return Evalscript(
        inputs=inputs,
        units=unit_m.group(1).upper() if unit_m else "DEFAULT",
        mosaicking=mosaic_m.group(1).upper() if mosaic_m else "SIMPLE",
        outputs=outputs,
    )
