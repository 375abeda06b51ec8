// The actions of `ward profile` beyond list/export, one file each; verb_profile
// (profile.cpp) dispatches to them.
#pragma once

#include "verbs.hpp"

namespace ward::cli {

// show P: what a profile allows per architecture (profile_show.cpp).
int profile_show(const Context& ctx, const VerbArgs& args);
// diff A B: what one profile allows that the other does not (profile_show.cpp).
int profile_diff(const Context& ctx, const VerbArgs& args);
// record -- BUNDLE: a profile from what a run called (profile_record.cpp).
int profile_record(const Context& ctx, const VerbArgs& args);
// merge A B...: recorded profiles joined (profile_record.cpp).
int profile_merge(const Context& ctx, const VerbArgs& args);

} // namespace ward::cli
