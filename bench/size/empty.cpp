// The empty program bench/size.sh subtracts: start-up code and libc, no codec.
using entry = void (*)();
volatile entry entries[] = {nullptr};

int main() { return entries[0] == nullptr; }
