// `stackc diff`: what a change to a stack file does to the deployment.
// Both sides are compiled in memory (or one side is read from a directory an
// earlier build wrote) and compared per target: Kubernetes objects by kind
// and name, Compose services and volumes, other files by path; changed
// objects list their field paths with old and new values, text files a
// unified diff.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "driver/driver.h"

namespace stackc {

inline constexpr std::string_view kDiffUsage =
    "usage: stackc diff OLD.stack NEW.stack [-t TARGET]... [--profile NAME] [--set NAME=VALUE]...\n"
    "       stackc diff STACK --against DIR [-t TARGET]... [--profile NAME] [--set NAME=VALUE]...\n"
    "\n"
    "Compiles both stacks in memory and shows what the change does to the\n"
    "deployment, per target: Kubernetes objects by kind and name, Compose\n"
    "services and volumes, other files by path, each added, removed or\n"
    "changed; for a changed object the field paths with old and new values,\n"
    "for a script a unified diff. With --against, the old side is the files\n"
    "under DIR that a build would write, plus those listed in its manifest.\n"
    "Both sides are generated with NEW's file name, so the provenance\n"
    "comments do not show as changes. Comments and the order of keys and of\n"
    "named list items in YAML files are not compared.\n"
    "\n"
    "  -t, --target TARGET     compose, kubernetes or all (default: all available)\n"
    "  --against DIR           compare STACK with the files built into DIR\n"
    "  --profile NAME          apply the overrides of profile NAME to both sides\n"
    "  --set NAME=VALUE        set param NAME on both sides\n"
    "  --format F              text (default) or json\n"
    "  --color WHEN            auto, always or never (default: auto, which is never\n"
    "                          for the diff itself)\n"
    "  --diagnostics-format F  text or json (default: text)\n"
    "\n"
    "exit status: 0 no change, 1 changes, 2 usage errors or errors in a stack file\n";

/// Runs `stackc diff` with the arguments after the command name.
int RunDiff(const std::vector<std::string>& args, Terminal& terminal);

}  // namespace stackc
