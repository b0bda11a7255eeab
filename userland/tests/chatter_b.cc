#include "userland/tests/chatter.h"

int main() { return chatter::run("chatter_b"); }
