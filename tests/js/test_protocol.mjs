// One protocol (static/js/protocol.js): every message type the code sends or reads is declared
// there, named through its table, and every declared type is used.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as protocol from "../../static/js/protocol.js";
import { codeOf, codeWithStrings, sourceFiles } from "../fixtures/source-tree.mjs";

const tables = Object.entries(protocol); // [name, {KEY: "type"}]
const code = new Map(sourceFiles().filter((f) => f !== "protocol.js").map((f) => [f, codeOf(f)]));

test("every table is frozen and holds distinct types", () => {
  assert.ok(tables.length >= 8, "the protocol has its channels");
  for (const [name, table] of tables) {
    assert.ok(Object.isFrozen(table), `${name} is frozen`);
    const types = Object.values(table);
    assert.equal(new Set(types).size, types.length, `${name} declares a type twice`);
  }
});

test("every declared type is used: named as TABLE.KEY outside protocol.js", () => {
  for (const [name, table] of tables) {
    for (const key of Object.keys(table)) {
      const used = [...code.values()].some((c) => new RegExp(`\\b${name}\\.${key}\\b`).test(c));
      assert.ok(used, `${name}.${key} is declared but no module uses it`);
    }
  }
});

test("no module writes a message type as a literal: each is named through protocol.js", () => {
  // A literal where a message's type is set or compared, or an engine event named. Not messages:
  // a Worker's "module" type, a MIME type (Blob, File), a WebGL uniform's "int" or "float".
  const literal = /\btype\s*(?::|[!=]==?)\s*["'`]([^"'`]*)|\b(?:on|emit|request)\(\s*["'`]([^"'`]*)/g;
  const notAMessage = (type) => /^(module|int|float|[a-z]+\/[a-z0-9.+-]+)$/.test(type);
  for (const f of code.keys()) {
    const found = [...codeWithStrings(f).matchAll(literal)].filter((m) => m[2] !== undefined || !notAMessage(m[1])).map((m) => m[0]);
    assert.deepEqual(found, [], `${f} writes a message type as a literal`);
  }
});

test("every table a module names is one protocol.js declares", () => {
  const declared = new Set(tables.map(([name]) => name));
  for (const [f, c] of code) {
    for (const [, name] of c.matchAll(/\b([A-Z][A-Z_]*_(?:REQUEST|EVENT|MESSAGE))\.[A-Z_]+\b/g)) {
      assert.ok(declared.has(name), `${f} names ${name}, which protocol.js does not declare`);
    }
  }
});
