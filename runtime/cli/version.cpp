// `ward --version`, in runc's shape so tools that parse it keep working.
#include "verbs.hpp"
#include "ward/spec/config.hpp"

#include <seccomp.h>
#include <string>

#ifndef WARD_VERSION
#define WARD_VERSION "unknown"
#endif
#ifndef WARD_COMMIT
#define WARD_COMMIT "unknown"
#endif

namespace ward::cli {

const char* version_string() {
    return WARD_VERSION;
}

void print_version() {
    std::string text = "ward version " WARD_VERSION "\ncommit: " WARD_COMMIT "\nspec: ";
    text += spec::kOciVersion;
    text += "\n";
    // The libseccomp that is loaded at run time, which may differ from the headers.
    if (const scmp_version* v = seccomp_version())
        text += "libseccomp: " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                std::to_string(v->micro) + "\n";
    print_out(text);
}

} // namespace ward::cli
