#include <stdio.h>

int main(void) {
    for (int i = 0; i < 3; i++)
        printf("hello %d\n", i);
    return 0;
}
