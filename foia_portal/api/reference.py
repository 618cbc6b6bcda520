"""The API reference for people at /api/v1/docs, rendered on the server from the OpenAPI
document (`foia_portal.api.openapi`); template templates/api/docs.html, no JavaScript."""

from __future__ import annotations

import re
from typing import Any

from flask import render_template

from foia_portal.api.openapi import openapi_document
from foia_portal.api.routes import bp


def resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    """Follow a `$ref` and merge `allOf`, for display."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return resolve(document["components"]["schemas"][name], document)
    parts = [p for p in schema.get("allOf", []) if "if" not in p]  # if/then: rules, not fields
    if parts:
        merged: dict[str, Any] = {
            "type": "object",
            "properties": dict(schema.get("properties", {})),
            "required": list(schema.get("required", [])),
        }
        for part in parts:
            part = resolve(part, document)
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
        return merged
    return schema


def type_label(schema: dict[str, Any], document: dict[str, Any]) -> str:
    """A short human description of a schema's type: "date or null", "one of: a, b"."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "const" in schema:
        return f"“{schema['const']}”"
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " or ".join(type_label(s, document) for s in schema[key])
    types = schema.get("type", "any")
    types = [types] if isinstance(types, str) else list(types)
    label = " or ".join(t for t in types if t != "null")
    if schema.get("format"):
        label = schema["format"] if label == "string" else f"{label} ({schema['format']})"
    if label == "array" and "items" in schema:
        label = f"list of {type_label(schema['items'], document)}"
    if "null" in types:
        label += " or null"
    return label


def constraints(schema: dict[str, Any]) -> list[str]:
    notes = []
    enum = [v for v in schema.get("enum", []) if v is not None]
    if not enum and isinstance(schema.get("items"), dict):
        enum = schema["items"].get("enum", [])
    if enum:
        notes.append("one of: " + ", ".join(str(v) for v in enum))
    if "minLength" in schema and schema["minLength"] > 1:
        notes.append(f"at least {schema['minLength']:,} characters")
    if "maxLength" in schema:
        notes.append(f"at most {schema['maxLength']:,} characters")
    for part in schema.get("anyOf", []):
        if "minimum" in part or "maximum" in part:
            notes.append(f"from {part.get('minimum', '')} to {part.get('maximum', '')}")
    if "x-pattern-meaning" in schema:
        notes.append(schema["x-pattern-meaning"])
    elif "pattern" in schema:
        notes.append(f"pattern {schema['pattern']}")
    return notes


def field_rows(schema: dict[str, Any], document: dict[str, Any]) -> list[dict[str, Any]]:
    schema = resolve(schema, document)
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": type_label(prop, document),
            "required": name in required,
            "constraints": constraints(prop),
            "description": prop.get("description") or prop.get("title") or "",
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def reference_sections(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The document as a list the template can show without any logic of its own."""
    sections = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            if method in ("head", "options"):
                continue  # what every GET and every address does (the document lists them)
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            body_schema = resolve(body["schema"], document) if body else None
            variants = []
            if body_schema and "oneOf" in body_schema:
                variants = [
                    {"title": b.get("title", ""), "fields": field_rows(b, document)}
                    for b in body_schema["oneOf"]
                ]
            responses = []
            for code, response in operation["responses"].items():
                content = response.get("content", {}).get("application/json")
                responses.append(
                    {
                        "code": code,
                        "description": response.get("description", ""),
                        "schema": type_label(content["schema"], document) if content else "",
                    }
                )
            sections.append(
                {
                    "id": f"{method}-{re.sub(r'[^a-z0-9]+', '-', path.lower()).strip('-')}",
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "auth": [next(iter(s)) for s in operation.get("security", [])],
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p.get("required", False),
                            "type": type_label(p["schema"], document),
                            "constraints": constraints(p["schema"]),
                            "description": p.get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": field_rows(body_schema, document)
                    if body_schema and not variants
                    else [],
                    "variants": variants,
                    "responses": responses,
                }
            )
    return sections


@bp.get("/v1/docs")
def reference_page():
    """The API reference for people, rendered on the server from the OpenAPI document."""
    document = openapi_document()
    return render_template(
        "api/docs.html", document=document, sections=reference_sections(document)
    )
