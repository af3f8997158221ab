/* The YAML composer of dockerlint/parse/yaml.py, in C, over libyaml's events.

   `_Composer.compose` (yaml.py) turns the events PyYAML's C parser hands out into the node
   model; for a Kubernetes manifest that loop, and the Python objects PyYAML makes for every
   event and mark, were 43% of the time spent linting it. This module reads the same events
   straight from libyaml and builds the same objects: the model's own ScalarNode, MappingNode,
   SequenceNode, Span and YamlDocument, with the same spans, tags, styles and anchors. yaml.py
   keeps the rules of the model; what is rare or decided elsewhere calls back into it:

   - the tag of an implicit scalar: yaml.py's resolve cache, then its resolver;
   - spans by SourceText where libyaml's marks cannot be taken as they are (the slow path, a
     mark at the end of the text, aliases, documents);
   - errors: `fail(code, anchor, offset, position)` raises yaml.py's YamlParseError (an
     undefined or recursive alias);
   - merge keys: `add_merge` and `finish_merges`.

   Two things it does beyond the Python composer: each mapping without merge keys gets the key
   index MappingNode._idx() would build on first use (a manifest's rules ask most mappings for
   keys), and each YamlDocument says whether a key may be written twice in one of its mappings
   (`keys_may_repeat`: False lets KS104 skip the document).

   The system's libyaml may read a text otherwise than the one in PyYAML's wheel (a nesting
   limit, `[? a]`): on any libyaml error, from 900 nested collections and at a single pair in a
   flow sequence, `compose` returns None and yaml.py composes the text through PyYAML.

   tests/test_yaml_native.py holds it equal to the Python composer on the corpus and on
   generated YAML. Built when libyaml's headers are there (setup.py); yaml.py falls back to
   the Python composer when it is not. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <yaml.h>

typedef struct {
    Py_ssize_t start, end, line, col, end_line, end_col;
} Pos;

/* set once by setup() */
static PyObject *SpanType, *ScalarType, *MappingType, *SequenceType, *DocumentType;
static PyObject *UNSET, *MERGE_TAG, *NULL_TAG, *MAP_TAG, *SEQ_TAG;
static PyObject *resolve_plain, *resolve_cache;
static PyObject *fail_hook, *add_merge_hook, *finish_merges_hook;
static Py_ssize_t native_depth = 900;
static int ready = 0;

static PyObject *s_single, *s_double, *s_literal, *s_folded;

/* slot offsets of the node dataclasses (slots=True) */
static Py_ssize_t o_span, o_tag;
static Py_ssize_t o_value, o_style, o_sanchor, o_py;
static Py_ssize_t o_pairs, o_mflow, o_manchor, o_merges, o_index;
static Py_ssize_t o_items, o_qflow, o_qanchor;
static Py_ssize_t o_pos[6]; /* Span's slots: start, end, line, col, end_line, end_col */

#define SLOT(obj, off) (*(PyObject **)((char *)(obj) + (off)))

static inline void
set_slot(PyObject *obj, Py_ssize_t off, PyObject *value)
{
    PyObject *old = SLOT(obj, off);
    Py_INCREF(value);
    SLOT(obj, off) = value;
    Py_XDECREF(old);
}

static int
slot_offset(PyObject *type, const char *name, Py_ssize_t *out)
{
    PyObject *d = PyObject_GetAttrString(type, name);
    if (d == NULL)
        return -1;
    if (!Py_IS_TYPE(d, &PyMemberDescr_Type) || ((PyMemberDescrObject *)d)->d_member->type != T_OBJECT_EX) {
        PyErr_Format(PyExc_TypeError, "%R.%s is not an object slot", type, name);
        Py_DECREF(d);
        return -1;
    }
    *out = ((PyMemberDescrObject *)d)->d_member->offset;
    Py_DECREF(d);
    return 0;
}

static PyObject *
new_instance(PyObject *type)
{
    PyTypeObject *t = (PyTypeObject *)type;
    return t->tp_alloc(t, 0);
}

static PyObject *
make_span(const Pos *p)
{
    /* Span's six slots set in place, past the frozen class's __setattr__ (as model.new_span) */
    PyObject *span = new_instance(SpanType);
    if (span == NULL)
        return NULL;
    Py_ssize_t vals[6] = {p->start, p->end, p->line, p->col, p->end_line, p->end_col};
    for (int i = 0; i < 6; i++) {
        PyObject *v = PyLong_FromSsize_t(vals[i]);
        if (v == NULL) {
            Py_DECREF(span);
            return NULL;
        }
        SLOT(span, o_pos[i]) = v; /* (empty until now: no reference to drop) */
    }
    return span;
}

static int
read_pos(PyObject *span, Pos *p)
{
    if (!PyObject_TypeCheck(span, (PyTypeObject *)SpanType)) {
        PyErr_Format(PyExc_TypeError, "span_of() returned %R, not a Span", span);
        return -1;
    }
    Py_ssize_t *vals[6] = {&p->start, &p->end, &p->line, &p->col, &p->end_line, &p->end_col};
    for (int i = 0; i < 6; i++) {
        PyObject *v = SLOT(span, o_pos[i]);
        if (v == NULL) {
            PyErr_SetString(PyExc_AttributeError, "a Span without its position");
            return -1;
        }
        *vals[i] = PyLong_AsSsize_t(v);
        if (*vals[i] == -1 && PyErr_Occurred())
            return -1;
    }
    return 0;
}

/* span_of(start, end), its position read back into *p */
static PyObject *
span_by_source(PyObject *span_of, Py_ssize_t start, Py_ssize_t end, Pos *p)
{
    PyObject *span = PyObject_CallFunction(span_of, "nn", start, end);
    if (span != NULL && read_pos(span, p) < 0)
        Py_CLEAR(span);
    return span;
}

static PyObject *
text_or_none(const yaml_char_t *s)
{
    if (s == NULL)
        Py_RETURN_NONE;
    return PyUnicode_FromString((const char *)s);
}

static int
is_yaml_ws(Py_UCS4 c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029;
}

/* block scalars: libyaml's end mark runs over trailing blank lines (yaml.py's _trim_end) */
static Py_ssize_t
trim_end(PyObject *text, Py_ssize_t start, Py_ssize_t end)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Py_ssize_t lo = start < n ? start : n;
    Py_ssize_t hi = end < n ? end : n;
    if (hi < lo)
        hi = lo;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    while (hi > lo && is_yaml_ws(PyUnicode_READ(kind, data, hi - 1)))
        hi--;
    Py_ssize_t trimmed = start + (hi - lo);
    return trimmed > start + 1 ? trimmed : start + 1;
}

static PyObject *
fail(const char *code, PyObject *anchor, Py_ssize_t offset, PyObject *position)
{
    PyObject *r = PyObject_CallFunction(fail_hook, "sOnO", code, anchor ? anchor : Py_None, offset, position);
    if (r != NULL) {
        Py_DECREF(r);
        PyErr_SetString(PyExc_RuntimeError, "fail() returned");
    }
    return NULL;
}

typedef struct {
    PyObject *node;        /* the collection being composed */
    PyObject *start_span;  /* its span at the start event */
    Pos s0;
    Pos last;              /* span of the last child occurrence */
    int has_last;
    PyObject *pending_key; /* NULL: none */
    PyObject *merges;      /* NULL: none (None in yaml.py) */
    int merge_key;         /* a `<<` key was met, whether or not it merged anything */
} Frame;

typedef struct {
    Frame *frames;
    Py_ssize_t size, cap;
} Stack;

static void
frame_clear(Frame *f)
{
    Py_CLEAR(f->node);
    Py_CLEAR(f->start_span);
    Py_CLEAR(f->pending_key);
    Py_CLEAR(f->merges);
}

/* The tag of a scalar, as yaml.py's composer gives it. `first_chars`: the resolver's implicit
   resolvers by first character (a plain scalar whose first character has none is a string,
   `str_tag`); a quoted or block scalar without a tag is a string too (the resolver's default:
   it has no path resolvers). */
static PyObject *
scalar_tag(yaml_event_t *ev, PyObject *value, PyObject *first_chars, PyObject *str_tag)
{
    const char *raw = (const char *)ev->data.scalar.tag;
    if (raw != NULL && strcmp(raw, "!") != 0)
        return PyUnicode_FromString(raw);
    if (ev->data.scalar.plain_implicit == 1) {
        PyObject *tag = PyDict_GetItemWithError(resolve_cache, value);
        if (tag != NULL) {
            Py_INCREF(tag);
            return tag;
        }
        if (PyErr_Occurred())
            return NULL;
        if (PyUnicode_GET_LENGTH(value) > 0) {
            PyObject *first = PyUnicode_Substring(value, 0, 1);
            if (first == NULL)
                return NULL;
            int known = PyDict_Contains(first_chars, first);
            Py_DECREF(first);
            if (known < 0)
                return NULL;
            if (!known) {
                Py_INCREF(str_tag);
                return str_tag;
            }
        }
        tag = PyObject_CallOneArg(resolve_plain, value);
        if (tag != NULL && PyUnicode_GET_LENGTH(value) < 100 && PyDict_GET_SIZE(resolve_cache) < 50000) {
            if (PyDict_SetItem(resolve_cache, value, tag) < 0)
                Py_CLEAR(tag);
        }
        return tag;
    }
    Py_INCREF(str_tag);
    return str_tag;
}

/* Where a block scalar ends, when libyaml's marks agree with SourceText (`fast`): its start
   from the start mark, its end (trimmed, at `end`) by counting the line breaks in between. */
static int
block_pos(PyObject *text, yaml_mark_t sm, Py_ssize_t start, Py_ssize_t end, Pos *p)
{
    if (end > PyUnicode_GET_LENGTH(text) || end < start)
        return 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t line = (Py_ssize_t)sm.line + 1, line_start = -1;
    for (Py_ssize_t i = start; i < end; i++) {
        if (PyUnicode_READ(kind, data, i) == '\n') {
            line++;
            line_start = i + 1;
        }
    }
    *p = (Pos){start, end, (Py_ssize_t)sm.line + 1, (Py_ssize_t)sm.column + 1, line,
               line_start < 0 ? (Py_ssize_t)sm.column + 1 + (end - start) : end - line_start + 1};
    return 1;
}

/* The key index of a mapping without merge keys, as MappingNode._idx() makes it (each scalar
   key's value -> its (key, value) pair, a later key winning), made here where the pairs were
   just read: a manifest's rules ask most of its mappings for keys. `*repeats` is set when a
   key is written twice. */
static int
index_pairs(PyObject *mapping, int *repeats)
{
    PyObject *pairs = SLOT(mapping, o_pairs);
    PyObject *index = PyDict_New();
    if (index == NULL)
        return -1;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(pairs); i++) {
        PyObject *pair = PyList_GET_ITEM(pairs, i);
        PyObject *key = PyTuple_GET_ITEM(pair, 0);
        if (!Py_IS_TYPE(key, (PyTypeObject *)ScalarType))
            continue; /* a complex key: not in the index, and never a repeated key */
        PyObject *value = SLOT(key, o_value);
        int had = PyDict_Contains(index, value);
        if (had < 0 || PyDict_SetItem(index, value, pair) < 0)
            goto fail;
        if (had)
            *repeats = 1;
    }
    set_slot(mapping, o_index, index);
    Py_DECREF(index);
    return 0;
fail:
    Py_DECREF(index);
    return -1;
}

/* compose(data, text, fast, bom, span_of, position, first_chars, str_tag)
   -> [YamlDocument]. data: `text` in UTF-8 (what PyYAML hands libyaml for a str). fast: libyaml's marks
   agree with SourceText's before the end of the text (yaml.py's _marks_agree, but for the
   final line break): a node with a mark at the end gets its span from SourceText, for
   libyaml puts its end of stream on a line of its own when the text has no final line break. */
static PyObject *
compose(PyObject *self, PyObject *args)
{
    PyObject *data, *text, *span_of, *position, *first_chars, *str_tag;
    int fast;
    Py_ssize_t bom;
    if (!PyArg_ParseTuple(args, "SUpnOOO!U", &data, &text, &fast, &bom, &span_of, &position, &PyDict_Type,
                          &first_chars, &str_tag))
        return NULL;
    if (!ready) {
        PyErr_SetString(PyExc_RuntimeError, "_yamlcompose.setup() was not called");
        return NULL;
    }

    yaml_parser_t parser;
    yaml_event_t ev;
    int have_event = 0;
    Stack stack = {NULL, 0, 0};
    PyObject *documents = PyList_New(0);
    PyObject *anchors = PyDict_New();
    PyObject *opaque = PyList_New(0);
    PyObject *root = NULL; /* owned */
    PyObject *result = NULL;
    PyObject *node = NULL; /* owned, the node to attach */
    PyObject *marker_line = Py_None;
    Py_INCREF(Py_None);
    const size_t size = (size_t)PyUnicode_GET_LENGTH(text);
    Py_ssize_t doc_start = 0, merge_work = 0;
    int repeats = 0; /* this document may write a key twice in one mapping (index_pairs) */
    Pos occ;

    if (!yaml_parser_initialize(&parser)) {
        PyErr_NoMemory();
        goto done_noparser;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)PyBytes_AS_STRING(data), PyBytes_GET_SIZE(data));
    if (documents == NULL || anchors == NULL || opaque == NULL)
        goto done;

    for (;;) {
        if (!yaml_parser_parse(&parser, &ev)) {
            result = Py_NewRef(Py_None); /* PyYAML's parser says what is wrong (see the top) */
            goto done;
        }
        have_event = 1;
        yaml_mark_t sm = ev.start_mark, em = ev.end_mark;

        switch (ev.type) {
        case YAML_SCALAR_EVENT: {
            PyObject *value = PyUnicode_DecodeUTF8((const char *)ev.data.scalar.value, ev.data.scalar.length, "strict");
            if (value == NULL)
                goto done;
            PyObject *tag = scalar_tag(&ev, value, first_chars, str_tag);
            if (tag == NULL) {
                Py_DECREF(value);
                goto done;
            }
            PyObject *style;
            switch (ev.data.scalar.style) {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = s_single; break;
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = s_double; break;
            case YAML_LITERAL_SCALAR_STYLE: style = s_literal; break;
            case YAML_FOLDED_SCALAR_STYLE: style = s_folded; break;
            default: style = Py_None;
            }
            PyObject *span;
            if (style == Py_None) {
                if (fast && em.index < size) {
                    occ = (Pos){(Py_ssize_t)sm.index, (Py_ssize_t)em.index, (Py_ssize_t)sm.line + 1,
                                (Py_ssize_t)sm.column + 1, (Py_ssize_t)em.line + 1, (Py_ssize_t)em.column + 1};
                    span = make_span(&occ);
                } else {
                    span = span_by_source(span_of, sm.index + bom, em.index + bom, &occ);
                }
            } else {
                Py_ssize_t start = sm.index + bom, end = em.index + bom;
                if (style == s_literal || style == s_folded) {
                    end = trim_end(text, start, end);
                    if (fast && em.index < size && block_pos(text, sm, start, end, &occ))
                        span = make_span(&occ);
                    else
                        span = span_by_source(span_of, start, end, &occ);
                } else if (fast && em.index < size) {
                    occ = (Pos){start, end, (Py_ssize_t)sm.line + 1, (Py_ssize_t)sm.column + 1,
                                (Py_ssize_t)em.line + 1, (Py_ssize_t)em.column + 1};
                    span = make_span(&occ);
                } else {
                    span = span_by_source(span_of, start, end, &occ);
                }
                PyObject *range = Py_BuildValue("(nn)", start, end);
                if (range == NULL || PyList_Append(opaque, range) < 0) {
                    Py_XDECREF(range);
                    Py_XDECREF(span);
                    Py_DECREF(tag);
                    Py_DECREF(value);
                    goto done;
                }
                Py_DECREF(range);
            }
            PyObject *anchor = text_or_none(ev.data.scalar.anchor);
            node = span && anchor ? new_instance(ScalarType) : NULL;
            if (node == NULL) {
                Py_XDECREF(span);
                Py_XDECREF(anchor);
                Py_DECREF(tag);
                Py_DECREF(value);
                goto done;
            }
            SLOT(node, o_span) = span;
            SLOT(node, o_tag) = tag;
            SLOT(node, o_value) = value;
            Py_INCREF(style);
            SLOT(node, o_style) = style;
            SLOT(node, o_sanchor) = anchor;
            Py_INCREF(UNSET);
            SLOT(node, o_py) = UNSET;
            if (anchor != Py_None && PyDict_SetItem(anchors, anchor, node) < 0)
                goto done;
            break;
        }
        case YAML_ALIAS_EVENT: {
            PyObject *anchor = PyUnicode_FromString((const char *)ev.data.alias.anchor);
            if (anchor == NULL)
                goto done;
            PyObject *target = PyDict_GetItemWithError(anchors, anchor);
            if (target == NULL) {
                if (!PyErr_Occurred())
                    fail("undefined", anchor, sm.index + bom, position);
                Py_DECREF(anchor);
                goto done;
            }
            for (Py_ssize_t i = 0; i < stack.size; i++) {
                if (stack.frames[i].node == target) {
                    fail("recursive", anchor, sm.index + bom, position);
                    Py_DECREF(anchor);
                    goto done;
                }
            }
            Py_DECREF(anchor);
            PyObject *span = span_by_source(span_of, sm.index + bom, em.index + bom, &occ);
            if (span == NULL)
                goto done;
            Py_DECREF(span);
            Py_INCREF(target);
            node = target;
            break;
        }
        case YAML_MAPPING_START_EVENT:
        case YAML_SEQUENCE_START_EVENT: {
            int mapping = ev.type == YAML_MAPPING_START_EVENT;
            if (stack.size >= native_depth) {
                result = Py_NewRef(Py_None); /* where PyYAML's libyaml has a nesting limit */
                goto done;
            }
            if (mapping && stack.size > 0 && Py_IS_TYPE(stack.frames[stack.size - 1].node, (PyTypeObject *)SequenceType)
                && SLOT(stack.frames[stack.size - 1].node, o_qflow) == Py_True
                && (Py_ssize_t)sm.index + bom < PyUnicode_GET_LENGTH(text)
                && PyUnicode_READ_CHAR(text, sm.index + bom) != '{') {
                result = Py_NewRef(Py_None); /* a single pair in a flow sequence: `[a: b]`, `[? a]` */
                goto done;
            }
            Pos s0;
            PyObject *span;
            if (fast && sm.index < size) {
                s0 = (Pos){(Py_ssize_t)sm.index, (Py_ssize_t)sm.index, (Py_ssize_t)sm.line + 1, (Py_ssize_t)sm.column + 1,
                           (Py_ssize_t)sm.line + 1, (Py_ssize_t)sm.column + 1};
                span = make_span(&s0);
            } else {
                span = span_by_source(span_of, sm.index + bom, sm.index + bom, &s0);
            }
            if (span == NULL)
                goto done;
            const yaml_char_t *raw_tag = mapping ? ev.data.mapping_start.tag : ev.data.sequence_start.tag;
            const yaml_char_t *raw_anchor = mapping ? ev.data.mapping_start.anchor : ev.data.sequence_start.anchor;
            int flow = mapping ? ev.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                               : ev.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
            PyObject *tag;
            if (raw_tag == NULL || strcmp((const char *)raw_tag, "!") == 0) {
                tag = mapping ? MAP_TAG : SEQ_TAG;
                Py_INCREF(tag);
            } else {
                tag = PyUnicode_FromString((const char *)raw_tag);
            }
            PyObject *anchor = text_or_none(raw_anchor);
            PyObject *children = PyList_New(0);
            PyObject *coll = tag && anchor && children ? new_instance(mapping ? MappingType : SequenceType) : NULL;
            if (coll == NULL) {
                Py_DECREF(span);
                Py_XDECREF(tag);
                Py_XDECREF(anchor);
                Py_XDECREF(children);
                goto done;
            }
            SLOT(coll, o_span) = span; /* the frame holds its own reference below */
            Py_INCREF(span);
            SLOT(coll, o_tag) = tag;
            PyObject *flow_obj = flow ? Py_True : Py_False;
            Py_INCREF(flow_obj);
            if (mapping) {
                SLOT(coll, o_pairs) = children;
                SLOT(coll, o_mflow) = flow_obj;
                SLOT(coll, o_manchor) = anchor;
                Py_INCREF(Py_None);
                SLOT(coll, o_merges) = Py_None;
                Py_INCREF(Py_None);
                SLOT(coll, o_index) = Py_None;
            } else {
                SLOT(coll, o_items) = children;
                SLOT(coll, o_qflow) = flow_obj;
                SLOT(coll, o_qanchor) = anchor;
            }
            if (anchor != Py_None && PyDict_SetItem(anchors, anchor, coll) < 0) {
                Py_DECREF(span);
                Py_DECREF(coll);
                goto done;
            }
            if (stack.size == stack.cap) {
                Py_ssize_t cap = stack.cap ? stack.cap * 2 : 16;
                Frame *frames = PyMem_Realloc(stack.frames, cap * sizeof(Frame));
                if (frames == NULL) {
                    Py_DECREF(span);
                    Py_DECREF(coll);
                    PyErr_NoMemory();
                    goto done;
                }
                stack.frames = frames;
                stack.cap = cap;
            }
            stack.frames[stack.size++] = (Frame){coll, span, s0, {0, 0, 0, 0, 0, 0}, 0, NULL, NULL, 0};
            yaml_event_delete(&ev);
            have_event = 0;
            continue;
        }
        case YAML_MAPPING_END_EVENT:
        case YAML_SEQUENCE_END_EVENT: {
            Frame frame = stack.frames[--stack.size];
            PyObject *coll = frame.node;
            int flow = SLOT(coll, Py_IS_TYPE(coll, (PyTypeObject *)MappingType) ? o_mflow : o_qflow) == Py_True;
            PyObject *span;
            Pos s0 = frame.s0;
            if (flow) {
                if (fast && em.index < size) {
                    occ = (Pos){s0.start, (Py_ssize_t)em.index, s0.line, s0.col, (Py_ssize_t)em.line + 1,
                                (Py_ssize_t)em.column + 1};
                    span = make_span(&occ);
                } else {
                    span = span_by_source(span_of, s0.start, em.index + bom, &occ);
                }
            } else if (!frame.has_last || frame.last.end < s0.start) {
                span = frame.start_span;
                Py_INCREF(span);
                occ = s0;
            } else {
                occ = (Pos){s0.start, frame.last.end, s0.line, s0.col, frame.last.end_line, frame.last.end_col};
                span = make_span(&occ);
            }
            if (span == NULL) {
                frame_clear(&frame);
                goto done;
            }
            set_slot(coll, o_span, span);
            Py_DECREF(span);
            if (frame.merges != NULL) {
                PyObject *work = PyObject_CallFunction(finish_merges_hook, "OOnnO", coll, frame.merges, merge_work, s0.start,
                                                       position);
                if (work == NULL) {
                    frame_clear(&frame);
                    goto done;
                }
                merge_work = PyLong_AsSsize_t(work);
                Py_DECREF(work);
                if (merge_work == -1 && PyErr_Occurred()) {
                    frame_clear(&frame);
                    goto done;
                }
                repeats = 1;
            } else if (frame.merge_key) {
                repeats = 1; /* a `<<` key that merged nothing: the index is left to _idx() (KS104 looks) */
            } else if (Py_IS_TYPE(coll, (PyTypeObject *)MappingType) && index_pairs(coll, &repeats) < 0) {
                frame_clear(&frame);
                goto done;
            }
            node = coll;
            frame.node = NULL;
            frame_clear(&frame);
            break;
        }
        case YAML_DOCUMENT_START_EVENT:
            repeats = 0;
            Py_SETREF(anchors, PyDict_New());
            Py_SETREF(opaque, PyList_New(0));
            Py_CLEAR(root);
            if (anchors == NULL || opaque == NULL)
                goto done;
            doc_start = sm.index + bom;
            if (!ev.data.document_start.implicit) {
                PyObject *pos = PyObject_CallFunction(position, "n", doc_start);
                if (pos == NULL)
                    goto done;
                PyObject *line = PySequence_GetItem(pos, 0);
                Py_DECREF(pos);
                if (line == NULL)
                    goto done;
                Py_SETREF(marker_line, line);
            } else {
                Py_INCREF(Py_None);
                Py_SETREF(marker_line, Py_None);
            }
            yaml_event_delete(&ev);
            have_event = 0;
            continue;
        case YAML_DOCUMENT_END_EVENT: {
            if (root != NULL && Py_IS_TYPE(root, (PyTypeObject *)ScalarType) && SLOT(root, o_style) == Py_None) {
                int is_null = PyUnicode_Compare(SLOT(root, o_tag), NULL_TAG) == 0;
                if (is_null && PyUnicode_GET_LENGTH(SLOT(root, o_value)) == 0)
                    Py_CLEAR(root);
                else if (PyErr_Occurred())
                    goto done;
            }
            Py_ssize_t start, end;
            if (root != NULL) {
                Pos r;
                if (read_pos(SLOT(root, o_span), &r) < 0)
                    goto done;
                start = doc_start < r.start ? doc_start : r.start;
                end = r.end;
            } else {
                start = end = doc_start;
            }
            if (!ev.data.document_end.implicit && (Py_ssize_t)em.index + bom > end)
                end = em.index + bom;
            Pos ignored;
            PyObject *span = span_by_source(span_of, start, end, &ignored);
            if (span == NULL)
                goto done;
            PyObject *doc = PyObject_CallFunction(DocumentType, "nONOOO", PyList_GET_SIZE(documents),
                                                  root ? root : Py_None, span, marker_line, opaque,
                                                  repeats ? Py_True : Py_False);
            if (doc == NULL || PyList_Append(documents, doc) < 0) {
                Py_XDECREF(doc);
                goto done;
            }
            Py_DECREF(doc);
            yaml_event_delete(&ev);
            have_event = 0;
            continue;
        }
        case YAML_STREAM_END_EVENT:
            result = documents;
            documents = NULL;
            goto done;
        default: /* stream start */
            yaml_event_delete(&ev);
            have_event = 0;
            continue;
        }
        yaml_event_delete(&ev);
        have_event = 0;

        /* attach `node` (this occurrence spans `occ`) to its parent */
        if (stack.size == 0) {
            Py_XSETREF(root, node);
            node = NULL;
            continue;
        }
        Frame *frame = &stack.frames[stack.size - 1];
        PyObject *parent = frame->node;
        frame->last = occ;
        frame->has_last = 1;
        if (Py_IS_TYPE(parent, (PyTypeObject *)SequenceType)) {
            if (PyList_Append(SLOT(parent, o_items), node) < 0)
                goto done;
            Py_CLEAR(node);
        } else if (frame->pending_key == NULL) {
            frame->pending_key = node;
            node = NULL;
        } else {
            PyObject *key = frame->pending_key;
            frame->pending_key = NULL;
            PyObject *pair = PyTuple_Pack(2, key, node);
            if (pair == NULL || PyList_Append(SLOT(parent, o_pairs), pair) < 0) {
                Py_XDECREF(pair);
                Py_DECREF(key);
                goto done;
            }
            Py_DECREF(pair);
            if (Py_IS_TYPE(key, (PyTypeObject *)ScalarType)) {
                int merge = PyUnicode_Compare(SLOT(key, o_tag), MERGE_TAG) == 0;
                if (merge) {
                    frame->merge_key = 1;
                    PyObject *merges = PyObject_CallFunctionObjArgs(
                        add_merge_hook, frame->merges ? frame->merges : Py_None, node, NULL);
                    if (merges == NULL) {
                        Py_DECREF(key);
                        goto done;
                    }
                    if (merges == Py_None)
                        Py_CLEAR(merges);
                    Py_XSETREF(frame->merges, merges);
                } else if (PyErr_Occurred()) {
                    Py_DECREF(key);
                    goto done;
                }
            }
            Py_DECREF(key);
            Py_CLEAR(node);
        }
    }

done:
    if (have_event)
        yaml_event_delete(&ev);
    yaml_parser_delete(&parser);
done_noparser:
    for (Py_ssize_t i = 0; i < stack.size; i++)
        frame_clear(&stack.frames[i]);
    PyMem_Free(stack.frames);
    Py_XDECREF(node);
    Py_XDECREF(root);
    Py_XDECREF(documents);
    Py_XDECREF(anchors);
    Py_XDECREF(opaque);
    Py_XDECREF(marker_line);
    return result;
}

/* setup(dict): checks everything first, so that a refused call leaves the composer as it was */
static PyObject *
setup(PyObject *self, PyObject *kw)
{
    if (!PyDict_Check(kw)) {
        PyErr_SetString(PyExc_TypeError, "setup() takes a dict");
        return NULL;
    }
    struct {
        const char *name;
        PyObject **where;
        PyObject *value;
    } items[] = {
        {"Span", &SpanType}, {"ScalarNode", &ScalarType}, {"MappingNode", &MappingType},
        {"SequenceNode", &SequenceType}, {"YamlDocument", &DocumentType}, {"UNSET", &UNSET},
        {"MERGE_TAG", &MERGE_TAG}, {"NULL_TAG", &NULL_TAG}, {"MAP_TAG", &MAP_TAG}, {"SEQ_TAG", &SEQ_TAG},
        {"resolve_plain", &resolve_plain}, {"resolve_cache", &resolve_cache},
        {"fail", &fail_hook}, {"add_merge", &add_merge_hook}, {"finish_merges", &finish_merges_hook},
    };
    const size_t count = sizeof(items) / sizeof(items[0]);
    for (size_t i = 0; i < count; i++) {
        items[i].value = PyDict_GetItemString(kw, items[i].name);
        if (items[i].value == NULL) {
            PyErr_Format(PyExc_KeyError, "setup() needs %s", items[i].name);
            return NULL;
        }
    }
    PyObject *scalar = items[1].value, *mapping = items[2].value, *sequence = items[3].value;
    PyObject *depth = PyDict_GetItemString(kw, "NATIVE_DEPTH");
    Py_ssize_t depth_value = depth != NULL ? PyLong_AsSsize_t(depth) : -1;
    if (depth_value < 0) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "setup() needs NATIVE_DEPTH >= 0");
        return NULL;
    }
    if (!PyDict_Check(PyDict_GetItemString(kw, "resolve_cache"))) {
        PyErr_SetString(PyExc_TypeError, "resolve_cache must be a dict");
        return NULL;
    }
    Py_ssize_t offsets[14], check_span, check_tag, pos[6];
    const char *pos_names[6] = {"start", "end", "line", "col", "end_line", "end_col"};
    for (int i = 0; i < 6; i++)
        if (slot_offset(items[0].value, pos_names[i], &pos[i]) < 0)
            return NULL;
    if (slot_offset(scalar, "span", &offsets[0]) < 0 || slot_offset(scalar, "tag", &offsets[1]) < 0 ||
        slot_offset(scalar, "value", &offsets[2]) < 0 || slot_offset(scalar, "style", &offsets[3]) < 0 ||
        slot_offset(scalar, "anchor", &offsets[4]) < 0 || slot_offset(scalar, "_py", &offsets[5]) < 0 ||
        slot_offset(mapping, "pairs", &offsets[6]) < 0 || slot_offset(mapping, "flow", &offsets[7]) < 0 ||
        slot_offset(mapping, "anchor", &offsets[8]) < 0 || slot_offset(mapping, "_merges", &offsets[9]) < 0 ||
        slot_offset(mapping, "_index", &offsets[10]) < 0 || slot_offset(sequence, "items", &offsets[11]) < 0 ||
        slot_offset(sequence, "flow", &offsets[12]) < 0 || slot_offset(sequence, "anchor", &offsets[13]) < 0 ||
        slot_offset(mapping, "span", &check_span) < 0 || slot_offset(sequence, "tag", &check_tag) < 0)
        return NULL;
    if (check_span != offsets[0] || check_tag != offsets[1]) {
        PyErr_SetString(PyExc_TypeError, "the node types do not share the base's slots");
        return NULL;
    }
    /* every slot of a node or span is set when it is made: a type with more fields is refused */
    PyObject *types[4] = {scalar, mapping, sequence, items[0].value};
    Py_ssize_t counts[4] = {6, 7, 5, 6};
    for (int i = 0; i < 4; i++) {
        PyObject *fields = PyObject_GetAttrString(types[i], "__dataclass_fields__");
        if (fields == NULL)
            return NULL;
        Py_ssize_t n = PyDict_Check(fields) ? PyDict_GET_SIZE(fields) : -1;
        Py_DECREF(fields);
        if (n != counts[i]) {
            PyErr_Format(PyExc_TypeError, "%R has %zd fields, the composer sets %zd", types[i], n, counts[i]);
            return NULL;
        }
    }
    for (size_t i = 0; i < count; i++) {
        Py_INCREF(items[i].value);
        Py_XSETREF(*items[i].where, items[i].value);
    }
    Py_ssize_t *targets[14] = {&o_span, &o_tag, &o_value, &o_style, &o_sanchor, &o_py, &o_pairs,
                               &o_mflow, &o_manchor, &o_merges, &o_index, &o_items, &o_qflow, &o_qanchor};
    for (int i = 0; i < 14; i++)
        *targets[i] = offsets[i];
    for (int i = 0; i < 6; i++)
        o_pos[i] = pos[i];
    native_depth = depth_value;
    ready = 1;
    Py_RETURN_NONE;
}

/* The character offset where each line of `text` starts (SourceText's line index): 0, and one
   past each "\n". A list of 80 offsets built by str.find in Python took 17 us a manifest. */
static PyObject *
line_starts(PyObject *self, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "line_starts() takes a str");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    Py_ssize_t at = 0;
    for (;;) {
        PyObject *offset = PyLong_FromSsize_t(at);
        if (offset == NULL || PyList_Append(out, offset) < 0) {
            Py_XDECREF(offset);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(offset);
        Py_ssize_t i = at;
        if (kind == PyUnicode_1BYTE_KIND) {
            const char *found = i < n ? memchr((const char *)data + i, '\n', (size_t)(n - i)) : NULL;
            i = found ? (Py_ssize_t)(found - (const char *)data) : n;
        } else {
            while (i < n && PyUnicode_READ(kind, data, i) != '\n')
                i++;
        }
        if (i >= n)
            return out;
        at = i + 1;
    }
}

static PyMethodDef methods[] = {
    {"line_starts", line_starts, METH_O, "line_starts(text) -> [offset where each line starts]"},
    {"compose", compose, METH_VARARGS,
     "compose(data, text, fast, bom, span_of, position, first_chars, str_tag) -> [YamlDocument]"},
    {"setup", setup, METH_O, "setup(dict): the model's types, constants and hooks"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_yamlcompose", NULL, -1, methods};

PyMODINIT_FUNC
PyInit__yamlcompose(void)
{
    s_single = PyUnicode_InternFromString("'");
    s_double = PyUnicode_InternFromString("\"");
    s_literal = PyUnicode_InternFromString("|");
    s_folded = PyUnicode_InternFromString(">");
    if (!s_single || !s_double || !s_literal || !s_folded)
        return NULL;
    return PyModule_Create(&module);
}
