#include "cscoreboard.h"
