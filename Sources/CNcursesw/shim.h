#ifndef CNCURSESW_SHIM_H
#define CNCURSESW_SHIM_H
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <wchar.h>
#include <ncursesw/ncurses.h>

/* Attribute macros (A_BOLD etc.) are built with NCURSES_BITS() and are not
   importable by Swift; re-export them as constants. */
static const attr_t CN_A_NORMAL    = A_NORMAL;
static const attr_t CN_A_BOLD      = A_BOLD;
static const attr_t CN_A_DIM       = A_DIM;
static const attr_t CN_A_REVERSE   = A_REVERSE;
static const attr_t CN_A_UNDERLINE = A_UNDERLINE;
static const attr_t CN_A_STANDOUT  = A_STANDOUT;

/* Accessors for C globals so Swift 6 strict concurrency checking is satisfied. */
static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline int cn_lines(void) { return LINES; }
static inline int cn_cols(void) { return COLS; }
#endif
