/* uk_vsnprintf: a small printf formatter for domains (integers, strings,
 * characters, pointers; no floating point). See ukernel/format.h. */
#include <ukernel/format.h>

#include <stdint.h>

struct out {
    char *buf;
    size_t size;
    size_t len; /* what the full output would be */
};

static void put(struct out *o, char c) {
    if (o->len + 1 < o->size) o->buf[o->len] = c;
    ++o->len;
}

static void pad(struct out *o, char c, int n) {
    while (n-- > 0) put(o, c);
}

enum {
    F_LEFT = 1,
    F_ZERO = 2,
    F_PLUS = 4,
    F_SPACE = 8,
    F_ALT = 16,
};

static void emit_number(struct out *o, uint64_t v, int negative, unsigned base, int upper, int flags, int width,
                        int precision) {
    char digits[24];
    int n = 0;
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    if (v == 0 && precision == 0) {
        n = 0; /* "%.0d" of 0 prints no digits */
    } else {
        do {
            digits[n++] = set[v % base];
            v /= base;
        } while (v != 0);
    }
    char sign = 0;
    if (negative)
        sign = '-';
    else if (flags & F_PLUS)
        sign = '+';
    else if (flags & F_SPACE)
        sign = ' ';
    const char *prefix = "";
    if ((flags & F_ALT) && base == 16 && n > 0) prefix = upper ? "0X" : "0x";
    if ((flags & F_ALT) && base == 8 && (n == 0 || digits[n - 1] != '0') && precision <= n) precision = n + 1;

    int prefix_len = 0;
    while (prefix[prefix_len]) ++prefix_len;
    const int zeros = precision > n ? precision - n : 0;
    const int body = (sign ? 1 : 0) + prefix_len + zeros + n;
    int fill = width > body ? width - body : 0;

    if (!(flags & F_LEFT) && !((flags & F_ZERO) && precision < 0)) {
        pad(o, ' ', fill);
        fill = 0;
    }
    if (sign) put(o, sign);
    for (int i = 0; i < prefix_len; ++i) put(o, prefix[i]);
    if (!(flags & F_LEFT)) {
        pad(o, '0', fill); /* zero padding goes after sign and prefix */
        fill = 0;
    }
    pad(o, '0', zeros);
    while (n > 0) put(o, digits[--n]);
    pad(o, ' ', fill);
}

int uk_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) {
    struct out o = {buf, size, 0};
    for (const char *p = fmt; *p; ++p) {
        if (*p != '%') {
            put(&o, *p);
            continue;
        }
        ++p;
        int flags = 0;
        for (;; ++p) {
            if (*p == '-')
                flags |= F_LEFT;
            else if (*p == '0')
                flags |= F_ZERO;
            else if (*p == '+')
                flags |= F_PLUS;
            else if (*p == ' ')
                flags |= F_SPACE;
            else if (*p == '#')
                flags |= F_ALT;
            else
                break;
        }
        int width = 0;
        if (*p == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                flags |= F_LEFT;
                width = -width;
            }
            ++p;
        } else {
            while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
        }
        int precision = -1;
        if (*p == '.') {
            ++p;
            precision = 0;
            if (*p == '*') {
                precision = va_arg(ap, int);
                if (precision < 0) precision = -1;
                ++p;
            } else {
                while (*p >= '0' && *p <= '9') precision = precision * 10 + (*p++ - '0');
            }
        }
        /* Length: 0 int, 1 long / long long / size_t / intmax_t / ptrdiff_t
         * (all 64-bit on AArch64 and x86-64), -1 short, -2 char. */
        int length = 0;
        if (*p == 'h') {
            length = -1;
            if (*++p == 'h') {
                length = -2;
                ++p;
            }
        } else if (*p == 'l') {
            length = 1;
            if (*++p == 'l') ++p;
        } else if (*p == 'z' || *p == 'j' || *p == 't') {
            length = 1;
            ++p;
        }

        switch (*p) {
            case 'd':
            case 'i': {
                int64_t v;
                if (length == 1)
                    v = va_arg(ap, int64_t);
                else
                    v = va_arg(ap, int);
                if (length == -1) v = (short)v;
                if (length == -2) v = (signed char)v;
                const uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
                emit_number(&o, mag, v < 0, 10, 0, flags, width, precision);
                break;
            }
            case 'u':
            case 'x':
            case 'X':
            case 'o': {
                uint64_t v;
                if (length == 1)
                    v = va_arg(ap, uint64_t);
                else
                    v = va_arg(ap, unsigned);
                if (length == -1) v = (unsigned short)v;
                if (length == -2) v = (unsigned char)v;
                const unsigned base = *p == 'u' ? 10 : *p == 'o' ? 8 : 16;
                emit_number(&o, v, 0, base, *p == 'X', flags & ~(F_PLUS | F_SPACE), width, precision);
                break;
            }
            case 'p': {
                const uint64_t v = (uint64_t)(uintptr_t)va_arg(ap, void *);
                emit_number(&o, v, 0, 16, 0, (flags & ~(F_PLUS | F_SPACE)) | F_ALT, width, precision);
                break;
            }
            case 'c': {
                const char c = (char)va_arg(ap, int);
                if (!(flags & F_LEFT)) pad(&o, ' ', width - 1);
                put(&o, c);
                if (flags & F_LEFT) pad(&o, ' ', width - 1);
                break;
            }
            case 's': {
                const char *s = va_arg(ap, const char *);
                if (s == NULL) s = "(null)";
                int n = 0;
                while (s[n] && (precision < 0 || n < precision)) ++n;
                if (!(flags & F_LEFT)) pad(&o, ' ', width - n);
                for (int i = 0; i < n; ++i) put(&o, s[i]);
                if (flags & F_LEFT) pad(&o, ' ', width - n);
                break;
            }
            case '%':
                put(&o, '%');
                break;
            case '\0':
                --p; /* a lone '%' at the end */
                break;
            default: /* unknown conversion: print it as written */
                put(&o, '%');
                put(&o, *p);
                break;
        }
    }
    if (size > 0) buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int uk_snprintf(char *buf, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    const int n = uk_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
