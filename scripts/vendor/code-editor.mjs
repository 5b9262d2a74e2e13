// Entry of static/vendor/code-editor.js: CodeMirror 6 with PostgreSQL and DBML modes,
// exposed as window.ErdCodeEditor so the app's own scripts need no bundler.
import { autocompletion, closeBrackets } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { PostgreSQL, sql } from "@codemirror/lang-sql";
import {
  HighlightStyle,
  StreamLanguage,
  bracketMatching,
  indentOnInput,
  syntaxHighlighting,
} from "@codemirror/language";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { Compartment, EditorState } from "@codemirror/state";
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { tags as t } from "@lezer/highlight";

// DBML has no official CodeMirror mode; a small stream tokenizer is enough to colour it.
const DBML_KEYWORDS = new Set([
  "table", "ref", "enum", "note", "project", "tablegroup", "indexes", "as", "records",
  "tablepartial",
]);
const DBML_SETTINGS = new Set([
  "pk", "primary", "key", "unique", "increment", "not", "null", "default", "note", "ref",
  "delete", "update", "cascade", "restrict", "set", "no", "action", "type", "name",
  "headercolor", "color", "btree", "hash", "gin", "gist", "brin",
]);

const dbmlMode = {
  name: "dbml",
  startState: () => ({ inSettings: 0, inBlockComment: false, inTripleString: false }),
  token(stream, state) {
    if (state.inBlockComment) {
      if (stream.skipTo("*/")) {
        stream.match("*/");
        state.inBlockComment = false;
      } else stream.skipToEnd();
      return "comment";
    }
    if (state.inTripleString) {
      if (stream.skipTo("'''")) {
        stream.match("'''");
        state.inTripleString = false;
      } else stream.skipToEnd();
      return "string";
    }
    if (stream.eatSpace()) return null;
    if (stream.match("//")) {
      stream.skipToEnd();
      return "comment";
    }
    if (stream.match("/*")) {
      state.inBlockComment = true;
      return "comment";
    }
    if (stream.match("'''")) {
      state.inTripleString = true;
      return "string";
    }
    if (stream.match(/^'([^'\\]|\\.)*'?/)) return "string";
    if (stream.match(/^"([^"\\]|\\.)*"?/)) return "variableName.special";
    if (stream.match(/^`[^`]*`?/)) return "string.special";
    if (stream.match(/^#[0-9a-fA-F]{3,8}\b/)) return "color";
    if (stream.match(/^-?\d+(\.\d+)?/)) return "number";
    if (stream.match(/^[<>-]+/) || stream.match(/^[:.,]/)) return "operator";
    if (stream.eat("[")) {
      state.inSettings += 1;
      return "bracket";
    }
    if (stream.eat("]")) {
      state.inSettings = Math.max(0, state.inSettings - 1);
      return "bracket";
    }
    if (stream.match(/^[{}()]/)) return "bracket";
    if (stream.match(/^[A-Za-z_][\w$]*/)) {
      const word = stream.current().toLowerCase();
      if (state.inSettings && DBML_SETTINGS.has(word)) return "keyword";
      if (!state.inSettings && DBML_KEYWORDS.has(word)) return "keyword";
      return "variableName";
    }
    stream.next();
    return null;
  },
  languageData: { commentTokens: { line: "//", block: { open: "/*", close: "*/" } } },
};

// Colours come from CSS custom properties, so the app's light and dark themes apply.
const highlight = HighlightStyle.define([
  { tag: t.keyword, color: "var(--code-keyword)", fontWeight: "600" },
  { tag: [t.string, t.special(t.string)], color: "var(--code-string)" },
  { tag: [t.number, t.bool, t.null], color: "var(--code-number)" },
  { tag: [t.comment, t.lineComment, t.blockComment], color: "var(--code-comment)", fontStyle: "italic" },
  { tag: [t.typeName, t.standard(t.name)], color: "var(--code-type)" },
  { tag: t.special(t.variableName), color: "var(--code-quoted)" },
  { tag: [t.operator, t.punctuation, t.bracket], color: "var(--code-punct)" },
  { tag: t.color, color: "var(--code-number)" },
]);

const baseTheme = EditorView.theme({
  "&": {
    color: "var(--code-fg)",
    backgroundColor: "var(--code-bg)",
    fontSize: "13px",
    height: "100%",
  },
  ".cm-content": { fontFamily: "var(--mono, ui-monospace, monospace)", caretColor: "var(--code-fg)" },
  ".cm-gutters": {
    backgroundColor: "var(--code-gutter-bg)",
    color: "var(--code-gutter-fg)",
    borderRight: "1px solid var(--code-border)",
  },
  ".cm-activeLine": { backgroundColor: "var(--code-active-line)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--code-active-line)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground": {
    backgroundColor: "var(--code-selection) !important",
  },
  ".cm-scroller": { overflow: "auto" },
});

function languageFor(name) {
  return name === "dbml" ? StreamLanguage.define(dbmlMode) : sql({ dialect: PostgreSQL });
}

/**
 * Create an editor in `parent`.
 * options: { doc, language: "sql" | "dbml", label, onChange(text), readOnly }
 * Returns { view, getText(), setText(text), setLanguage(name), showErrors([{line, message}]) }.
 */
function create(parent, options = {}) {
  const language = new Compartment();
  const readOnly = new Compartment();
  let silent = false;
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.doc || "",
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        autocompletion(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        lintGutter(),
        syntaxHighlighting(highlight),
        baseTheme,
        language.of(languageFor(options.language)),
        readOnly.of(EditorState.readOnly.of(!!options.readOnly)),
        keymap.of([indentWithTab, ...defaultKeymap, ...historyKeymap, ...searchKeymap]),
        EditorView.contentAttributes.of({ "aria-label": options.label || "Code" }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && !silent && options.onChange) {
            options.onChange(update.state.doc.toString());
          }
        }),
      ],
    }),
  });
  return {
    view,
    getText: () => view.state.doc.toString(),
    setText(text) {
      silent = true;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      silent = false;
    },
    setLanguage(name) {
      view.dispatch({ effects: language.reconfigure(languageFor(name)) });
    },
    setReadOnly(flag) {
      view.dispatch({ effects: readOnly.reconfigure(EditorState.readOnly.of(!!flag)) });
    },
    showErrors(errors) {
      const doc = view.state.doc;
      const diagnostics = (errors || []).map((e) => {
        const line = doc.line(Math.min(Math.max(1, e.line || 1), doc.lines));
        return { from: line.from, to: line.to, severity: "error", message: e.message };
      });
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
  };
}

window.ErdCodeEditor = { create };
