/*
 * ini.h: reader and single-key writer for the SMS client's INI files
 * (SMS.INI, CL_NT.TXT, .CCR requests, Climon's own state file).
 *
 * Works on the caller's bytes and the caller's buffers: nothing here
 * allocates, opens a file or keeps global state. Accepted encodings are
 * 8-bit text (ANSI or UTF-8, with or without a UTF-8 BOM) and UTF-16LE with
 * its BOM; line ends CRLF, LF or CR. Section and key names compare without
 * regard to ASCII case. Lookups follow the Windows profile API: the first
 * section of a name is the one consulted, and within it the first key wins.
 *
 * Strings handed out (section, key, value) are UTF-8, NUL-terminated, and
 * trimmed of spaces and tabs at both ends.
 */
#ifndef CLIMON_INI_H
#define CLIMON_INI_H

#include <stdbool.h>
#include <stddef.h>

/* Bounds. A file or line over them is rejected whole, never cut: a cut
 * line could turn into a different, valid-looking value. */
#define INI_MAX_FILE_BYTES (1024u * 1024u) /* input bytes, any encoding */
#define INI_MAX_LINE_BYTES 4096u           /* one line, as UTF-8, no line end */

typedef enum ini_status {
    INI_OK = 0,
    INI_NOT_FOUND,          /* section or key absent: not a fault of the file */
    INI_ERR_TOO_LARGE,      /* file over INI_MAX_FILE_BYTES */
    INI_ERR_LINE_TOO_LONG,  /* a line over INI_MAX_LINE_BYTES; err->line says which */
    INI_ERR_BINARY,         /* NUL byte in 8-bit text: not an INI file */
    INI_ERR_ENCODING,       /* UTF-16 without BOM, UTF-16BE, odd byte count,
                               unpaired surrogate */
    INI_ERR_VALUE_TOO_LONG, /* found, but longer than the caller's buffer */
    INI_ERR_BAD_VALUE,      /* a name or value to write holds CR, LF, NUL, or
                               (in names) '=', '[' or ']' */
    INI_ERR_NO_SPACE        /* the caller's output buffer is too small */
} ini_status;

typedef enum ini_encoding {
    INI_ENC_8BIT = 0, /* ANSI or UTF-8, no BOM: bytes pass through unchanged */
    INI_ENC_UTF8_BOM, /* UTF-8 with EF BB BF */
    INI_ENC_UTF16LE   /* FF FE, then UTF-16LE code units */
} ini_encoding;

typedef struct ini_error {
    ini_status status;
    unsigned line;      /* 1-based line the error is on; 0 when it is the whole file */
    const char *detail; /* static text narrowing the status ("UTF-16 without a
                           byte order mark"), or NULL: ini_error_format uses it */
} ini_error;

/* Static English text for a status ("line too long"); never NULL. */
const char *ini_status_text(ini_status st);

/* Formats err as one line, e.g. "line 12: line longer than 4096 bytes",
 * into buf (always NUL-terminated when cap > 0). Returns strlen of the
 * full text, like snprintf. */
size_t ini_error_format(const ini_error *err, char *buf, size_t cap);

/* Validates a whole file: size, encoding, NUL bytes, line lengths.
 * enc (may be NULL) receives the encoding. err may be NULL. */
ini_status ini_check(const void *data, size_t len, ini_encoding *enc, ini_error *err);

typedef enum ini_item_kind {
    INI_ITEM_SECTION, /* "[name]" */
    INI_ITEM_KEY,     /* "key = value" */
    INI_ITEM_OTHER    /* blank, comment (';' or '#' first), or a line that is neither */
} ini_item_kind;

typedef struct ini_item {
    ini_item_kind kind;
    unsigned line;       /* 1-based */
    const char *section; /* section this line is in ("" before the first) */
    const char *key;     /* INI_ITEM_KEY only, else "" */
    const char *value;   /* INI_ITEM_KEY only, else "" */
    /* Byte spans in the input (raw encoding), for writers that keep every
     * other byte: the whole line without its line end, and the value as it
     * stands (trimmed). For a key with an empty value, value_offset is where
     * the value would start (after '=' and any spaces). */
    size_t line_offset, line_length;
    size_t value_offset, value_length;
    size_t next_offset; /* first byte of the next line */
} ini_item;

/* Iterator over the lines of a checked file. Holds decoded copies of the
 * current line and section, so it is large (about 8 KiB): keep it on the
 * stack of the function that uses it, or in a struct you own. */
typedef struct ini_iter {
    const unsigned char *data;
    size_t len;
    size_t pos;
    ini_encoding enc;
    unsigned line;
    char section[INI_MAX_LINE_BYTES + 1];
    char buf[INI_MAX_LINE_BYTES + 1];
} ini_iter;

/* Checks the file (as ini_check) and positions it at the first line.
 * The iterator borrows data: it must stay valid while the iterator is used. */
ini_status ini_iter_init(ini_iter *it, const void *data, size_t len, ini_error *err);

/* Fills item with the next line; returns false at the end. The strings in
 * item point into the iterator and change at the next call. */
bool ini_iter_next(ini_iter *it, ini_item *item);

/* Looks up key in section (NULL section: the first such key anywhere in the
 * file, as CL_NT.TXT's CopyListVersion line may stand anywhere). Copies the
 * value into out (UTF-8, NUL-terminated). Returns INI_OK, INI_NOT_FOUND,
 * INI_ERR_VALUE_TOO_LONG or a file error from ini_check. */
ini_status ini_get(const void *data, size_t len, const char *section, const char *key, char *out,
                   size_t cap, ini_error *err);

/* Writes a copy of data into out with key in section set to value, every
 * other byte as it was. An existing key keeps its spelling and spacing and
 * only its value changes; a missing key is added as a new last line of the
 * section (after its last non-blank line); a missing section is appended at
 * the end. New lines use the file's first line end (CRLF when it has none)
 * and its encoding. section, key and value are UTF-8. *out_len receives
 * the bytes written. Errors: INI_ERR_BAD_VALUE, INI_ERR_NO_SPACE, or a file
 * error from ini_check (err->line says where). out must not overlap data. */
ini_status ini_set(const void *data, size_t len, const char *section, const char *key,
                   const char *value, void *out, size_t cap, size_t *out_len, ini_error *err);

/* An output size that is always enough for ini_set with these arguments. */
size_t ini_set_bound(size_t len, const char *section, const char *key, const char *value);

/* True when s may be written as a section or key name: non-empty, at most
 * INI_MAX_LINE_BYTES / 4 bytes, no control character, '=', '[', ']' or ';'
 * first, and no leading or trailing space. */
bool ini_name_ok(const char *s);

/* True when s may be written as a value: no control character (CR, LF, NUL,
 * other C0 controls except tab) and at most INI_MAX_LINE_BYTES / 2 bytes. */
bool ini_value_ok(const char *s);

/* The one line a file format's error reads as (ccr.c, clistatus.c):
 * "<what> rejected: <ini error>" when the INI layer refused the file
 * (file_error), else "<key>: <text>" or just text when no key is known.
 * key may be unterminated garbage in a caller's struct: key_cap bounds it.
 * Returns what snprintf returns, 0 on an encoding error. */
size_t ini_field_error_format(char *buf, size_t cap, const char *what, bool file_error,
                              const ini_error *ini, const char *key, size_t key_cap,
                              const char *text);
/* Copies key (NULL: "") into dst of cap bytes, cut to fit. */
void ini_key_copy(char *dst, size_t cap, const char *key);

/* ASCII case-insensitive equality, as the profile API compares names. */
bool ini_name_eq(const char *a, const char *b);

#endif
