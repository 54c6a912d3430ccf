/*
 * ini.c: reads and rewrites the SMS client's INI files (SMS.INI, CL_NT.TXT,
 * .CCR requests, Climon's state file) over the caller's bytes.
 *
 * Two layers: a line scanner that knows the raw encoding (8-bit or
 * UTF-16LE) and hands out each line decoded to UTF-8, and a parser that
 * sees only UTF-8. Writers work on raw byte spans reported by the
 * iterator, so a rewrite changes one value and nothing else: Client Setup,
 * the Client Configuration Manager and admins all keep their own lines.
 *
 * Lookup rules follow the Windows profile API (GetPrivateProfileString),
 * which is what the SMS programs themselves use: first section of a name,
 * first key within it, ASCII case-insensitive names. Unlike the profile
 * API, ';' and '#' lines are comments and a line without '=' is not a key.
 */
#include "climon/ini.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Bytes looked at to tell UTF-16 without a BOM from a binary file. */
#define SNIFF_BYTES 256u

/* ---- Raw lines ---- */

typedef struct raw_line {
    size_t start;   /* first byte of the content */
    size_t length;  /* content bytes, without the line end */
    size_t eol_len; /* line end bytes (0 at the end of the file) */
    size_t next;    /* first byte of the next line */
} raw_line;

static size_t bom_length(ini_encoding enc)
{
    switch (enc) {
    case INI_ENC_UTF8_BOM:
        return 3;
    case INI_ENC_UTF16LE:
        return 2;
    case INI_ENC_8BIT:
        break;
    }
    return 0;
}

static size_t unit_size(ini_encoding enc)
{
    return enc == INI_ENC_UTF16LE ? 2 : 1;
}

static unsigned unit_at(const unsigned char *d, size_t pos, ini_encoding enc)
{
    if (enc == INI_ENC_UTF16LE)
        return (unsigned)d[pos] | ((unsigned)d[pos + 1] << 8);
    return d[pos];
}

/* Splits off the line at pos. A UTF-16 file has an even byte count (checked
 * before any scan), so a code unit never straddles the end. */
static void scan_line(const unsigned char *d, size_t len, ini_encoding enc, size_t pos,
                      raw_line *rl)
{
    size_t us = unit_size(enc);
    size_t p = pos;

    while (p + us <= len) {
        unsigned u = unit_at(d, p, enc);
        if (u == '\r' || u == '\n')
            break;
        p += us;
    }
    rl->start = pos;
    rl->length = p - pos;
    rl->eol_len = 0;
    if (p + us <= len) {
        unsigned u = unit_at(d, p, enc);
        rl->eol_len = us;
        if (u == '\r' && p + 2 * us <= len && unit_at(d, p + us, enc) == '\n')
            rl->eol_len = 2 * us;
    }
    rl->next = p + rl->eol_len;
}

static size_t utf8_put(unsigned cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static void set_err(ini_error *err, ini_status st, unsigned line, const char *detail)
{
    if (err) {
        err->status = st;
        err->line = line;
        err->detail = detail;
    }
}

/* Decodes one line to UTF-8 into buf (INI_MAX_LINE_BYTES + 1 bytes), or
 * only measures it when buf is NULL. */
static ini_status decode_line(const unsigned char *d, ini_encoding enc, const raw_line *rl,
                              char *buf, size_t *out_len, const char **detail)
{
    size_t n = 0;
    char tmp[4];

    *detail = NULL;
    if (enc != INI_ENC_UTF16LE) {
        if (memchr(d + rl->start, 0, rl->length)) {
            return INI_ERR_BINARY;
        }
        if (rl->length > INI_MAX_LINE_BYTES)
            return INI_ERR_LINE_TOO_LONG;
        if (buf)
            memcpy(buf, d + rl->start, rl->length);
        n = rl->length;
    } else {
        size_t p = rl->start, end = rl->start + rl->length;
        while (p < end) {
            unsigned u = unit_at(d, p, enc), cp;
            size_t k;
            p += 2;
            if (u == 0) {
                return INI_ERR_BINARY;
            }
            if (u >= 0xD800 && u <= 0xDBFF) {
                unsigned lo = p < end ? unit_at(d, p, enc) : 0;
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    *detail = "unpaired UTF-16 surrogate";
                    return INI_ERR_ENCODING;
                }
                p += 2;
                cp = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
            } else if (u >= 0xDC00 && u <= 0xDFFF) {
                *detail = "unpaired UTF-16 surrogate";
                return INI_ERR_ENCODING;
            } else {
                cp = u;
            }
            k = utf8_put(cp, tmp);
            if (n + k > INI_MAX_LINE_BYTES)
                return INI_ERR_LINE_TOO_LONG;
            if (buf)
                memcpy(buf + n, tmp, k);
            n += k;
        }
    }
    if (buf)
        buf[n] = '\0';
    *out_len = n;
    return INI_OK;
}

/* ---- Status texts ---- */

const char *ini_status_text(ini_status st)
{
    switch (st) {
    case INI_OK:
        return "ok";
    case INI_NOT_FOUND:
        return "not found";
    case INI_ERR_TOO_LARGE:
        return "file larger than 1048576 bytes";
    case INI_ERR_LINE_TOO_LONG:
        return "line longer than 4096 bytes";
    case INI_ERR_BINARY:
        return "NUL byte: binary data, not INI text";
    case INI_ERR_ENCODING:
        return "unsupported text encoding (only 8-bit and UTF-16LE with a byte order mark)";
    case INI_ERR_VALUE_TOO_LONG:
        return "value longer than the buffer for it";
    case INI_ERR_BAD_VALUE:
        return "name or value not allowed in an INI line";
    case INI_ERR_NO_SPACE:
        return "output buffer too small";
    }
    return "unknown INI status";
}

size_t ini_error_format(const ini_error *err, char *buf, size_t cap)
{
    const char *text;
    int n;
    char dummy[1];

    if (!buf || cap == 0) {
        buf = dummy;
        cap = 1;
    }
    if (!err) {
        n = snprintf(buf, cap, "%s", "no error information");
        return n < 0 ? 0 : (size_t)n;
    }
    /* With a detail, the status needs only its short name. */
    text = err->detail && err->status == INI_ERR_ENCODING ? "unsupported text encoding"
                                                          : ini_status_text(err->status);
    if (err->detail && err->line)
        n = snprintf(buf, cap, "line %u: %s: %s", err->line, text, err->detail);
    else if (err->detail)
        n = snprintf(buf, cap, "%s: %s", text, err->detail);
    else if (err->line)
        n = snprintf(buf, cap, "line %u: %s", err->line, text);
    else
        n = snprintf(buf, cap, "%s", text);
    return n < 0 ? 0 : (size_t)n;
}

/* ---- Whole-file check ---- */

/* 8-bit text with NUL bytes: UTF-16 saved without its BOM shows NULs in
 * every other byte for ASCII text; anything else is binary. */
static ini_status sniff_nul_text(const unsigned char *d, size_t len, const char **detail)
{
    size_t n = (len < SNIFF_BYTES ? len : SNIFF_BYTES) & ~(size_t)1;
    size_t zodd = 0, zeven = 0, pairs = n / 2, i;

    for (i = 0; i < n; i++)
        if (d[i] == 0) {
            if (i & 1)
                zodd++;
            else
                zeven++;
        }
    if (pairs > 0 && zeven == 0 && zodd * 4 >= pairs * 3) {
        *detail = "UTF-16 text without a byte order mark (save it with a BOM or as 8-bit text)";
        return INI_ERR_ENCODING;
    }
    if (pairs > 0 && zodd == 0 && zeven * 4 >= pairs * 3) {
        *detail = "UTF-16BE text without a byte order mark";
        return INI_ERR_ENCODING;
    }
    return INI_OK;
}

ini_status ini_check(const void *data, size_t len, ini_encoding *enc_out, ini_error *err)
{
    const unsigned char *d = data;
    ini_encoding enc = INI_ENC_8BIT;
    const char *detail = NULL;
    size_t pos;
    unsigned line = 0;

    set_err(err, INI_OK, 0, NULL);
    if (enc_out)
        *enc_out = INI_ENC_8BIT;
    if (!d && len > 0) {
        set_err(err, INI_ERR_BINARY, 0, "no data");
        return INI_ERR_BINARY;
    }
    if (len > INI_MAX_FILE_BYTES) {
        set_err(err, INI_ERR_TOO_LARGE, 0, NULL);
        return INI_ERR_TOO_LARGE;
    }
    if (len >= 2 && d[0] == 0xFF && d[1] == 0xFE) {
        enc = INI_ENC_UTF16LE;
        if (len & 1) {
            set_err(err, INI_ERR_ENCODING, 0, "UTF-16 text with an odd byte count (truncated)");
            return INI_ERR_ENCODING;
        }
    } else if (len >= 2 && d[0] == 0xFE && d[1] == 0xFF) {
        set_err(err, INI_ERR_ENCODING, 0, "UTF-16BE text (save it as UTF-16LE or 8-bit text)");
        return INI_ERR_ENCODING;
    } else if (len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
        enc = INI_ENC_UTF8_BOM;
    } else if (len > 0 && memchr(d, 0, len)) {
        ini_status st = sniff_nul_text(d, len, &detail);
        if (st != INI_OK) {
            set_err(err, st, 0, detail);
            return st;
        }
    }

    pos = bom_length(enc);
    while (pos < len) {
        raw_line rl;
        size_t n;
        ini_status st;

        line++;
        scan_line(d, len, enc, pos, &rl);
        st = decode_line(d, enc, &rl, NULL, &n, &detail);
        if (st != INI_OK) {
            set_err(err, st, line, detail);
            return st;
        }
        pos = rl.next;
    }
    if (enc_out)
        *enc_out = enc;
    return INI_OK;
}

/* ---- Iterator ---- */

ini_status ini_iter_init(ini_iter *it, const void *data, size_t len, ini_error *err)
{
    ini_encoding enc;
    ini_status st;

    memset(it, 0, sizeof *it);
    st = ini_check(data, len, &enc, err);
    if (st != INI_OK)
        return st;
    it->data = data;
    it->len = len;
    it->enc = enc;
    it->pos = bom_length(enc);
    return INI_OK;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Raw offset of decoded byte idx of the line at start. idx always falls on
 * a character boundary: it is next to an ASCII '=', space or bracket. */
static size_t raw_offset(const ini_iter *it, size_t start, size_t length, size_t idx)
{
    size_t p = start, acc = 0, end = start + length;

    if (it->enc != INI_ENC_UTF16LE)
        return start + idx;
    while (acc < idx && p < end) {
        unsigned u = unit_at(it->data, p, it->enc);
        if (u >= 0xD800 && u <= 0xDBFF) {
            acc += 4;
            p += 4;
        } else {
            acc += u < 0x80 ? 1 : u < 0x800 ? 2 : 3;
            p += 2;
        }
    }
    return p;
}

bool ini_iter_next(ini_iter *it, ini_item *item)
{
    raw_line rl;
    size_t n, s, e, i;
    const char *detail;
    char *b = it->buf;

    if (!it->data || it->pos >= it->len)
        return false;
    scan_line(it->data, it->len, it->enc, it->pos, &rl);
    /* ini_check passed on these bytes, so decoding cannot fail here. */
    if (decode_line(it->data, it->enc, &rl, b, &n, &detail) != INI_OK) {
        it->pos = it->len;
        return false;
    }
    it->pos = rl.next;
    it->line++;

    memset(item, 0, sizeof *item);
    item->line = it->line;
    item->line_offset = rl.start;
    item->line_length = rl.length;
    item->next_offset = rl.next;
    item->value_offset = rl.start;
    item->key = "";
    item->value = "";
    item->kind = INI_ITEM_OTHER;

    for (s = 0; s < n && is_blank(b[s]); s++)
        ;
    for (e = n; e > s && is_blank(b[e - 1]); e--)
        ;
    item->section = it->section;
    if (s == e || b[s] == ';' || b[s] == '#')
        return true;

    if (b[s] == '[') {
        for (i = s + 1; i < e && b[i] != ']'; i++)
            ;
        if (i < e) {
            size_t ns = s + 1, ne = i;
            while (ns < ne && is_blank(b[ns]))
                ns++;
            while (ne > ns && is_blank(b[ne - 1]))
                ne--;
            memcpy(it->section, b + ns, ne - ns);
            it->section[ne - ns] = '\0';
            item->kind = INI_ITEM_SECTION;
            return true;
        }
        /* No ']': the profile API reads such a line as a key; so do we. */
    }

    for (i = s; i < e && b[i] != '='; i++)
        ;
    if (i == e)
        return true;
    {
        size_t ke = i, vs = i + 1;
        while (ke > s && is_blank(b[ke - 1]))
            ke--;
        if (ke == s)
            return true; /* "=value": no name */
        /* An empty value starts after all the blanks, so a writer fills
         * "k =   " as "k =   v". */
        while (vs < n && is_blank(b[vs]))
            vs++;
        if (e < vs)
            e = vs;
        item->value_offset = raw_offset(it, rl.start, rl.length, vs);
        item->value_length = raw_offset(it, rl.start, rl.length, e) - item->value_offset;
        b[ke] = '\0';
        b[e] = '\0';
        item->kind = INI_ITEM_KEY;
        item->key = b + s;
        item->value = b + vs;
    }
    return true;
}

/* ---- Lookup ---- */

bool ini_name_eq(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return false;
        if (x == '\0')
            return true;
    }
}

/* Tracks "the first section of this name" while iterating. */
typedef enum section_state {
    SEC_BEFORE = 0, /* not met yet */
    SEC_IN,         /* inside the first one */
    SEC_AFTER       /* left it: later ones are not consulted */
} section_state;

static section_state section_step(section_state st, const ini_item *item, const char *want)
{
    if (item->kind != INI_ITEM_SECTION)
        return st;
    if (st == SEC_IN)
        return SEC_AFTER;
    if (st == SEC_BEFORE && ini_name_eq(item->section, want))
        return SEC_IN;
    return st;
}

ini_status ini_get(const void *data, size_t len, const char *section, const char *key, char *out,
                   size_t cap, ini_error *err)
{
    ini_iter it;
    ini_item item;
    ini_status st;
    section_state ss;

    if (out && cap > 0)
        out[0] = '\0';
    if (!key) {
        set_err(err, INI_NOT_FOUND, 0, NULL);
        return INI_NOT_FOUND;
    }
    st = ini_iter_init(&it, data, len, err);
    if (st != INI_OK)
        return st;
    /* Keys before any header belong to the section named "". */
    ss = (section && section[0] == '\0') ? SEC_IN : SEC_BEFORE;
    while (ini_iter_next(&it, &item)) {
        if (section) {
            ss = section_step(ss, &item, section);
            if (ss == SEC_AFTER)
                break;
            if (ss != SEC_IN)
                continue;
        }
        if (item.kind == INI_ITEM_KEY && ini_name_eq(item.key, key)) {
            size_t n = strlen(item.value);
            if (!out || n >= cap) {
                set_err(err, INI_ERR_VALUE_TOO_LONG, item.line, NULL);
                return INI_ERR_VALUE_TOO_LONG;
            }
            memcpy(out, item.value, n + 1);
            return INI_OK;
        }
    }
    set_err(err, INI_NOT_FOUND, 0, NULL);
    return INI_NOT_FOUND;
}

/* ---- Names and values ---- */

bool ini_name_ok(const char *s)
{
    size_t n, i;

    if (!s || !s[0])
        return false;
    n = strlen(s);
    if (n > INI_MAX_LINE_BYTES / 4)
        return false;
    if (s[0] == ';' || s[0] == '#' || is_blank(s[0]) || is_blank(s[n - 1]))
        return false;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F || c == '=' || c == '[' || c == ']')
            return false;
    }
    return true;
}

bool ini_value_ok(const char *s)
{
    size_t i;

    if (!s)
        return false;
    for (i = 0; s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i >= INI_MAX_LINE_BYTES / 2)
            return false;
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return false;
    }
    return true;
}

/* Strict UTF-8 (no overlongs, no surrogates): needed before turning a
 * string into UTF-16; 8-bit files take the bytes as they are. */
static bool utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        unsigned c = *p, cp, need, i;
        if (c < 0x80) {
            p++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        for (i = 1; i <= need; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3Fu);
        }
        if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        p += need + 1;
    }
    return true;
}

/* ---- Writer ---- */

typedef struct outbuf {
    unsigned char *p;
    size_t cap, len;
    bool full;
} outbuf;

static void put_raw(outbuf *o, const void *src, size_t n)
{
    if (o->full || n > o->cap - o->len) {
        o->full = true;
        return;
    }
    if (n)
        memcpy(o->p + o->len, src, n);
    o->len += n;
}

/* Writes UTF-8 text in the file's encoding (validated before). */
static void put_text(outbuf *o, ini_encoding enc, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    if (enc != INI_ENC_UTF16LE) {
        put_raw(o, s, strlen(s));
        return;
    }
    while (*p) {
        unsigned cp, c = *p;
        unsigned char u[4];
        if (c < 0x80) {
            cp = c;
            p += 1;
        } else if (c < 0xE0) {
            cp = ((c & 0x1Fu) << 6) | (p[1] & 0x3Fu);
            p += 2;
        } else if (c < 0xF0) {
            cp = ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
            p += 3;
        } else {
            cp = ((c & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) |
                 (p[3] & 0x3Fu);
            p += 4;
        }
        if (cp >= 0x10000) {
            unsigned hi = 0xD800 + ((cp - 0x10000) >> 10), lo = 0xDC00 + ((cp - 0x10000) & 0x3FF);
            u[0] = (unsigned char)(hi & 0xFF);
            u[1] = (unsigned char)(hi >> 8);
            u[2] = (unsigned char)(lo & 0xFF);
            u[3] = (unsigned char)(lo >> 8);
            put_raw(o, u, 4);
        } else {
            u[0] = (unsigned char)(cp & 0xFF);
            u[1] = (unsigned char)(cp >> 8);
            put_raw(o, u, 2);
        }
    }
}

size_t ini_set_bound(size_t len, const char *section, const char *key, const char *value)
{
    size_t extra = 32;

    /* Worst case: line end, "[section]", line end, "key=value", line end,
     * each UTF-8 byte at most two bytes of UTF-16. */
    extra += section ? 2 * strlen(section) : 0;
    extra += key ? 2 * strlen(key) : 0;
    extra += value ? 2 * strlen(value) : 0;
    return len > SIZE_MAX - extra ? SIZE_MAX : len + extra;
}

static bool blank_line(const char *b)
{
    while (is_blank(*b))
        b++;
    return *b == '\0';
}

ini_status ini_set(const void *data, size_t len, const char *section, const char *key,
                   const char *value, void *out, size_t cap, size_t *out_len, ini_error *err)
{
    const unsigned char *d = data;
    ini_iter it;
    ini_item item;
    ini_status st;
    section_state ss;
    outbuf o;
    raw_line first;
    size_t eol_at, eol_len, us, ins = 0;
    bool have_key = false, have_section = false;
    size_t vo = 0, vl = 0;

    if (out_len)
        *out_len = 0;
    set_err(err, INI_OK, 0, NULL);
    if (!section || !key || !value || !ini_name_ok(section) || !ini_name_ok(key) ||
        !ini_value_ok(value)) {
        set_err(err, INI_ERR_BAD_VALUE, 0, NULL);
        return INI_ERR_BAD_VALUE;
    }
    st = ini_iter_init(&it, data, len, err);
    if (st != INI_OK)
        return st;
    if (it.enc == INI_ENC_UTF16LE &&
        (!utf8_valid(section) || !utf8_valid(key) || !utf8_valid(value))) {
        set_err(err, INI_ERR_BAD_VALUE, 0, "not UTF-8, cannot be written as UTF-16");
        return INI_ERR_BAD_VALUE;
    }
    us = unit_size(it.enc);

    /* New lines end like the file's first line; CRLF when it has none. */
    scan_line(d, len, it.enc, it.pos, &first);
    eol_at = first.start + first.length;
    eol_len = first.eol_len;

    ss = SEC_BEFORE;
    while (ini_iter_next(&it, &item)) {
        ss = section_step(ss, &item, section);
        if (ss == SEC_AFTER)
            break;
        if (ss != SEC_IN)
            continue;
        if (item.kind == INI_ITEM_SECTION) {
            have_section = true;
            ins = item.line_offset + item.line_length;
        } else if (item.kind == INI_ITEM_KEY && ini_name_eq(item.key, key)) {
            have_key = true;
            vo = item.value_offset;
            vl = item.value_length;
            break;
        } else if (item.kind == INI_ITEM_KEY || !blank_line(it.buf)) {
            ins = item.line_offset + item.line_length;
        }
    }

    o.p = out;
    o.cap = out ? cap : 0;
    o.len = 0;
    o.full = false;

#define PUT_EOL()                                                                                  \
    do {                                                                                           \
        if (eol_len)                                                                               \
            put_raw(&o, d + eol_at, eol_len);                                                      \
        else                                                                                       \
            put_text(&o, it.enc, "\r\n");                                                          \
    } while (0)

    if (have_key) {
        put_raw(&o, d, vo);
        put_text(&o, it.enc, value);
        put_raw(&o, d + vo + vl, len - vo - vl);
    } else if (have_section) {
        put_raw(&o, d, ins);
        PUT_EOL();
        put_text(&o, it.enc, key);
        put_text(&o, it.enc, "=");
        put_text(&o, it.enc, value);
        put_raw(&o, d + ins, len - ins);
    } else {
        size_t start = bom_length(it.enc);
        put_raw(&o, d, len);
        if (len > start) {
            unsigned last = unit_at(d, len - us, it.enc);
            if (last != '\r' && last != '\n')
                PUT_EOL();
        }
        put_text(&o, it.enc, "[");
        put_text(&o, it.enc, section);
        put_text(&o, it.enc, "]");
        PUT_EOL();
        put_text(&o, it.enc, key);
        put_text(&o, it.enc, "=");
        put_text(&o, it.enc, value);
        PUT_EOL();
    }
#undef PUT_EOL

    if (o.full) {
        set_err(err, INI_ERR_NO_SPACE, 0, NULL);
        return INI_ERR_NO_SPACE;
    }
    /* What we write must read back: a long value in a long line, or a
     * file at the size limit, is refused rather than written unreadable. */
    st = ini_check(out, o.len, NULL, err);
    if (st != INI_OK)
        return st;
    if (out_len)
        *out_len = o.len;
    return INI_OK;
}

size_t ini_field_error_format(char *buf, size_t cap, const char *what, bool file_error,
                              const ini_error *ini, const char *key, size_t key_cap,
                              const char *text)
{
    char dummy[1], e[192];
    int n;

    if (!buf || cap == 0) {
        buf = dummy;
        cap = 1;
    }
    if (file_error) {
        ini_error_format(ini, e, sizeof e);
        n = snprintf(buf, cap, "%s rejected: %s", what, e);
    } else if (key && key[0] && memchr(key, '\0', key_cap)) {
        n = snprintf(buf, cap, "%s: %s", key, text);
    } else {
        n = snprintf(buf, cap, "%s", text);
    }
    return n < 0 ? 0 : (size_t)n;
}

void ini_key_copy(char *dst, size_t cap, const char *key)
{
    size_t n = key ? strlen(key) : 0;

    if (cap == 0)
        return;
    if (n >= cap)
        n = cap - 1;
    if (n)
        memcpy(dst, key, n);
    dst[n] = '\0';
}
