/*
** smtp_sink.h — a tiny SMTP server for tests: a thread on 127.0.0.1 (an ephemeral port)
** that speaks EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP and QUIT (no STARTTLS, no AUTH) and
** keeps every message it accepted, with its envelope.  It can be told to refuse DATA with
** a temporary error (451), so a test sees what a failing mail server does to the sender.
*/
#ifndef SMTP_SINK_H
#define SMTP_SINK_H

#include <stddef.h>

struct smtp_sink;

/** Start listening; NULL (and a message on stderr) on failure. */
struct smtp_sink *smtp_sink_start(void);
unsigned smtp_sink_port(const struct smtp_sink *s);
/** Answer DATA with code (e.g. 451) instead of accepting; 0 accepts again. */
void smtp_sink_refuse(struct smtp_sink *s, int code);
/** How many messages were accepted so far. */
size_t smtp_sink_count(struct smtp_sink *s);
/** Message i (0-based): its envelope sender and recipient and its text as received (dot
** stuffing undone, CRLF kept); copies (caller frees), NULL when there is no such message. */
char *smtp_sink_data(struct smtp_sink *s, size_t i);
char *smtp_sink_rcpt(struct smtp_sink *s, size_t i);
char *smtp_sink_from(struct smtp_sink *s, size_t i);
/** Stop the thread, close the socket, free everything. */
void smtp_sink_stop(struct smtp_sink *s);

#endif /* SMTP_SINK_H */
