// The actions of `ward image`: sign and verify work on a layout
// (image.cpp), import, ls, inspect and rm on the store (image_store.cpp).
// verb_image checks the argument count of each and dispatches.
#pragma once

#include "verbs.hpp"

namespace ward::cli {

int image_import(const Context& ctx, const VerbArgs& args);
int image_ls(const Context& ctx, const VerbArgs& args);
int image_inspect(const Context& ctx, const VerbArgs& args);
int image_rm(const Context& ctx, const VerbArgs& args);

} // namespace ward::cli
