/*
** wm_html.h — HTML output that is escaped by construction.
**
** wm_h() is a printf-like writer whose %s ESCAPES its argument for HTML text and attribute
** context (& < > " '), so a page cannot forget to escape a value.  Markup that is already
** HTML (a fragment built with wm_h) goes in through %r, which is visibly different.  The
** supported conversions are:
**   %s  escaped text (NULL prints nothing)     %r  raw HTML fragment (trusted)
**   %d  int      %u  unsigned     %I  int64_t  %U  URL component, percent-encoded
**   %%  a percent sign
** Nothing else: an unknown conversion aborts in tests rather than printing garbage.
*/
#ifndef WM_HTML_H
#define WM_HTML_H

#include <stdarg.h>
#include <stdint.h>

#include "wm_util.h"

void wm_h(struct wm_buf *b, const char *fmt, ...);
void wm_vh(struct wm_buf *b, const char *fmt, va_list ap);
/** Append s escaped for HTML text and attributes. */
void wm_html_esc(struct wm_buf *b, const char *s);
/** Format an exact decimal amount given in hundredths (750 -> "7.5"). */
void wm_html_hundredths(struct wm_buf *b, int64_t v);

#endif /* WM_HTML_H */
