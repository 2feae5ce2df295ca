#ifndef CSCOREBOARD_H
#define CSCOREBOARD_H
#endif
