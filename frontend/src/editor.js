// The SPARQL editor of the dlkg query UI: CodeMirror 6 with the legacy SPARQL mode for
// highlighting, and completion of PREFIX declarations, prefixed terms and keywords.
// Exposed as window.DlkgEditor.create(textarea, options); static/query.js calls it.
import { EditorView, basicSetup } from "codemirror";
import { EditorState, Prec } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { StreamLanguage } from "@codemirror/language";
import { autocompletion } from "@codemirror/autocomplete";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";

const KEYWORDS = [
  "SELECT", "DISTINCT", "WHERE", "OPTIONAL", "FILTER", "UNION", "MINUS", "GRAPH", "BIND",
  "VALUES", "ORDER BY", "GROUP BY", "HAVING", "LIMIT", "OFFSET", "ASK", "CONSTRUCT",
  "DESCRIBE", "PREFIX", "COUNT", "SAMPLE", "GROUP_CONCAT", "LANG", "LANGMATCHES", "STR",
  "CONTAINS", "REGEX", "EXISTS", "NOT EXISTS", "COALESCE", "DESC", "ASC",
];

function declared(doc, prefix) {
  return new RegExp(`^\\s*PREFIX\\s+${prefix}:`, "im").test(doc);
}

// Inserting a term of an undeclared prefix also adds its PREFIX line at the top.
function applyTerm(prefixes, text) {
  return (view, completion, from, to) => {
    const prefix = text.split(":")[0];
    const changes = [{ from, to, insert: text }];
    const doc = view.state.doc.toString();
    if (prefixes[prefix] && !declared(doc, prefix)) {
      changes.push({ from: 0, insert: `PREFIX ${prefix}: <${prefixes[prefix]}>\n` });
    }
    view.dispatch({ changes });
  };
}

function completionSource(prefixes, terms, snippets = []) {
  const declarations = Object.entries(prefixes).map(([p, ns]) => ({
    label: `${p}:`, apply: `${p}: <${ns}>`, detail: ns, type: "namespace",
  }));
  const termOptions = terms.map((t) => ({
    label: t, apply: applyTerm(prefixes, t), type: /:[A-Z]/.test(t) ? "class" : "property",
  }));
  const prefixOptions = Object.keys(prefixes).map((p) => ({
    label: `${p}:`, apply: applyTerm(prefixes, `${p}:`), detail: prefixes[p], type: "namespace",
  }));
  const keywordOptions = KEYWORDS.map((k) => ({ label: k, type: "keyword" }));
  // Whole expressions (langMatches: the engine stores language tags lower-case).
  const snippetOptions = snippets.map((s) => ({ label: s, type: "text", boost: -1 }));
  return (context) => {
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    const afterPrefix = /PREFIX\s+([\w-]*:?)$/i.exec(before);
    if (afterPrefix) {
      return { from: context.pos - afterPrefix[1].length, options: declarations };
    }
    const word = context.matchBefore(/[\w-]+:?[\w-]*/);
    if (!word && !context.explicit) return null;
    const from = word ? word.from : context.pos;
    const typed = word ? word.text : "";
    const options = typed.includes(":")
      ? termOptions
      : [...prefixOptions, ...termOptions, ...keywordOptions, ...snippetOptions];
    return { from, options, validFor: /^[\w-]*:?[\w-]*$/ };
  };
}

function create(textarea, options = {}) {
  const prefixes = options.prefixes || {};
  const terms = options.terms || [];
  const run = options.onRun || (() => {});
  const runKeys = Prec.highest(keymap.of([
    { key: "Mod-Enter", run: () => { run(); return true; } },
    { key: "Shift-Enter", run: () => { run(); return true; } },
  ]));
  const view = new EditorView({
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        basicSetup,
        StreamLanguage.define(sparql),
        autocompletion({ override: [completionSource(prefixes, terms, options.snippets || [])] }),
        runKeys,
        EditorView.lineWrapping,
        EditorView.updateListener.of((update) => {
          if (update.docChanged) textarea.value = update.state.doc.toString();
        }),
      ],
    }),
  });
  textarea.insertAdjacentElement("afterend", view.dom);
  textarea.hidden = true;
  return {
    view,
    getValue: () => view.state.doc.toString(),
    setValue: (text) => {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    focus: () => view.focus(),
  };
}

window.DlkgEditor = { create };
