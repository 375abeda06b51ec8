#include "ward/base/fault.hpp"

#include <csignal>
#include <cstdlib>
#include <unistd.h>

namespace ward {

void fault_point(std::string_view name) {
    static const char* const wanted = std::getenv("WARD_FAULT");
    if (wanted && name == wanted)
        ::kill(::getpid(), SIGKILL);
}

} // namespace ward
