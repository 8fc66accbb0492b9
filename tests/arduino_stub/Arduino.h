// The part of the Arduino API that mcugen's sketches use, declared the way the Arduino cores declare it: enough to
// compile and link a sketch without an Arduino core (none is obtainable here). Arduino.cpp beside it implements it
// as no-ops, with a main() that calls setup() and loop() once.
#pragma once

#include <math.h>
#include <stddef.h>
#include <stdint.h>

class HardwareSerial {
public:
    void begin(unsigned long baud);
    size_t print(const char *text);
    size_t print(long value, int base = 10);
    size_t print(unsigned long value, int base = 10);
    size_t print(int value, int base = 10);
    size_t print(unsigned int value, int base = 10);
    size_t print(double value, int digits = 2);
    size_t println(const char *text);
    size_t println(long value, int base = 10);
    size_t println(unsigned long value, int base = 10);
    size_t println(int value, int base = 10);
    size_t println(double value, int digits = 2);
    explicit operator bool() const { return true; }
};

extern HardwareSerial Serial;
extern HardwareSerial Serial1;

unsigned long millis(void);
unsigned long micros(void);
void delay(unsigned long ms);

void setup(void);
void loop(void);
