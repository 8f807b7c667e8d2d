/* progress.h - a one-line progress bar for long runs (an eval over 10,000 images), drawn only
 * when its stream is a terminal, so logs, pipes and CI output never contain it. */
#ifndef ODPU_REPORT_PROGRESS_H
#define ODPU_REPORT_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

typedef struct odpu_progress {
    FILE *out;          /* NULL: disabled (not a terminal, or nothing to count) */
    const char *label;
    uint64_t total;
    int drawn_permille; /* what the line shows now, -1 before the first draw */
} odpu_progress;

/* Enabled iff total > 0 and out is a terminal, or the environment says ODPU_PROGRESS=always
 * (for a log that wants it); ODPU_PROGRESS=never disables it on a terminal too. */
void odpu_progress_begin(odpu_progress *p, FILE *out, const char *label, uint64_t total);
/* Redraw when the shown permille changes (cheap to call per item). */
void odpu_progress_update(odpu_progress *p, uint64_t done);
/* Erase the line, so the report that follows starts clean. */
void odpu_progress_end(odpu_progress *p);

#endif
