/*
** banned.h — functions we never call (STYLE.md 3.3), after git's banned.h.
** Included last in every .c file that includes system headers.
*/
#ifndef WM_BANNED_H
#define WM_BANNED_H
#define WM_BANNED(f) sorry_##f##_is_banned
#undef strcpy
#define strcpy(...) WM_BANNED(strcpy)
#undef strcat
#define strcat(...) WM_BANNED(strcat)
#undef sprintf
#define sprintf(...) WM_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) WM_BANNED(vsprintf)
#undef gets
#define gets(...) WM_BANNED(gets)
#undef strtok
#define strtok(...) WM_BANNED(strtok)
#undef atoi
#define atoi(...) WM_BANNED(atoi)
#undef atol
#define atol(...) WM_BANNED(atol)
#endif
