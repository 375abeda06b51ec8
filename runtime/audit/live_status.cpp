// /proc/PID/status: capability sets, no_new_privs, seccomp mode, ids.
#include "ward/audit/live.hpp"
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/spec/names.hpp"

#include <cstdlib>

namespace ward::audit {
namespace {

uint64_t hex_set(std::string_view value, std::string_view field) {
    std::string text(trim(value));
    char* end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(text.c_str(), &end, 16);
    if (text.empty() || errno != 0 || *end != '\0')
        fail("/proc status " + std::string(field) + ": not a hex set: " + quote(text));
    return v;
}

std::vector<uint32_t> numbers(std::string_view value) {
    std::vector<uint32_t> out;
    std::string text(value);
    for (char& c : text)
        if (c == '\t')
            c = ' ';
    for (const auto& part : split(text, ' '))
        if (auto n = parse_uint(part))
            out.push_back(static_cast<uint32_t>(*n));
    return out;
}

} // namespace

ProcessStatus parse_status(const std::string& text) {
    ProcessStatus st;
    st.seccomp_filters = -1;
    for (const auto& line : split(text, '\n')) {
        auto colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        std::string key = line.substr(0, colon);
        std::string_view value = trim(std::string_view(line).substr(colon + 1));
        if (key == "Name")
            st.name = std::string(value);
        else if (key == "CapInh")
            st.cap_inh = hex_set(value, key);
        else if (key == "CapPrm")
            st.cap_prm = hex_set(value, key);
        else if (key == "CapEff")
            st.cap_eff = hex_set(value, key);
        else if (key == "CapBnd")
            st.cap_bnd = hex_set(value, key);
        else if (key == "CapAmb")
            st.cap_amb = hex_set(value, key);
        else if (key == "NoNewPrivs")
            st.no_new_privs = value == "1";
        else if (key == "Seccomp")
            st.seccomp_mode = static_cast<int>(parse_int(value).value_or(0));
        else if (key == "Seccomp_filters")
            st.seccomp_filters = static_cast<int>(parse_int(value).value_or(-1));
        else if (key == "Uid")
            st.uids = numbers(value);
        else if (key == "Gid")
            st.gids = numbers(value);
        else if (key == "Groups")
            st.groups = numbers(value);
    }
    if (st.uids.size() != 4 || st.gids.size() != 4)
        fail("/proc status: no Uid/Gid lines");
    return st;
}

std::vector<std::string> capability_list(uint64_t set) {
    const auto& names = spec::capability_names();
    std::vector<std::string> out;
    for (int cap = 0; cap < 64; ++cap) {
        if (!((set >> cap) & 1))
            continue;
        // names are in number order, from CAP_CHOWN (0) without gaps.
        if (static_cast<size_t>(cap) < names.size() &&
            spec::capability_number(names[static_cast<size_t>(cap)]) == cap)
            out.push_back(names[static_cast<size_t>(cap)]);
        else
            out.push_back("CAP_" + std::to_string(cap));
    }
    return out;
}

} // namespace ward::audit
