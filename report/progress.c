/* progress.c - terminal progress line (see progress.h). */
#include "report/progress.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { BAR_CELLS = 30, PERMILLE = 1000 };

/* ODPU_PROGRESS: "always", "never", or anything else (unset) for "on a terminal". */
static int wanted(FILE *out)
{
    const char *mode = getenv("ODPU_PROGRESS");
    if (mode && !strcmp(mode, "always"))
        return 1;
    if (mode && !strcmp(mode, "never"))
        return 0;
    return isatty(fileno(out));
}

void odpu_progress_begin(odpu_progress *p, FILE *out, const char *label, uint64_t total)
{
    p->out = out && total && wanted(out) ? out : NULL;
    p->label = label ? label : "";
    p->total = total;
    p->drawn_permille = -1;
}

void odpu_progress_update(odpu_progress *p, uint64_t done)
{
    if (!p->out)
        return;
    if (done > p->total)
        done = p->total;
    int permille = (int)(done * PERMILLE / p->total);
    if (permille == p->drawn_permille)
        return;
    p->drawn_permille = permille;
    int filled = permille * BAR_CELLS / PERMILLE;
    fprintf(p->out, "\r%s [%.*s%*s] %5.1f %% (%llu / %llu)", p->label, filled, "##############################",
            BAR_CELLS - filled, "", permille / 10.0, (unsigned long long)done, (unsigned long long)p->total);
    fflush(p->out);
}

void odpu_progress_end(odpu_progress *p)
{
    if (!p->out || p->drawn_permille < 0)
        return;
    fputs("\r\033[K", p->out); /* carriage return, erase to the end of the line */
    fflush(p->out);
}
