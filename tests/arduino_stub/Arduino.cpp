// No-op implementation of tests/arduino_stub/Arduino.h, for link checks of sketches.
#include "Arduino.h"

HardwareSerial Serial;
HardwareSerial Serial1;

void HardwareSerial::begin(unsigned long) {}
size_t HardwareSerial::print(const char *) { return 0; }
size_t HardwareSerial::print(long, int) { return 0; }
size_t HardwareSerial::print(unsigned long, int) { return 0; }
size_t HardwareSerial::print(int, int) { return 0; }
size_t HardwareSerial::print(unsigned int, int) { return 0; }
size_t HardwareSerial::print(double, int) { return 0; }
size_t HardwareSerial::println(const char *) { return 0; }
size_t HardwareSerial::println(long, int) { return 0; }
size_t HardwareSerial::println(unsigned long, int) { return 0; }
size_t HardwareSerial::println(int, int) { return 0; }
size_t HardwareSerial::println(double, int) { return 0; }

unsigned long millis(void) { return 0; }
unsigned long micros(void) { return 0; }
void delay(unsigned long) {}

int main(void)
{
    setup();
    loop();
    return 0;
}
