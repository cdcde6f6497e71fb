"""Builds of mutated cores, on top of an existing build folder (the release preset by default).

Only the mutated core files are compiled (with the build folder's own flags from
compile_commands.json, minus -Werror: a mutant is judged on its behaviour, not its warnings; plus
-D_GLIBCXX_ASSERTIONS, so an out-of-range index aborts deterministically); every
other object comes from the build folder. The mutated objects replace their members in a copy of
libvsrsim_core.a, and the vsrsim binary is linked again with the build folder's own link command.
Nothing in the source tree is written: generated sources, objects and binaries live in the work
folder (by default BUILD/mutate).
"""

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess


class BuildError(Exception):
    pass


def run(command, cwd=None, env=None):
    return subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)


class Builder:
    def __init__(self, root, build_dir, work_dir):
        self.root = root
        self.build_dir = build_dir
        self.work_dir = work_dir
        self.compile = self._compile_commands()
        self.link = self._link_command()

    def ensure_reference(self, preset):
        """Configures (if needed) and builds the reference vsrsim in the build folder."""
        if not os.path.exists(os.path.join(self.build_dir, "build.ninja")):
            result = run(["cmake", "--preset", preset], cwd=self.root)
            if result.returncode != 0:
                raise BuildError(f"cmake --preset {preset} failed:\n{result.stdout[-2000:]}")
        result = run(["cmake", "--build", self.build_dir, "--target", "vsrsim"])
        if result.returncode != 0:
            raise BuildError(
                f"building vsrsim in {self.build_dir} failed:\n{result.stdout[-3000:]}")

    @property
    def reference_binary(self):
        return os.path.join(self.build_dir, "reports", "vsrsim")

    def _compile_commands(self):
        path = os.path.join(self.build_dir, "compile_commands.json")
        if not os.path.exists(path):
            return {}
        out = {}
        for entry in json.load(open(path)):
            rel = os.path.relpath(entry["file"], self.root)
            out[rel] = (entry["directory"], shlex.split(entry["command"]))
        return out

    def _link_command(self):
        result = run(["ninja", "-C", self.build_dir, "-t", "commands", "reports/vsrsim"])
        if result.returncode != 0 or not result.stdout.strip():
            return None
        line = result.stdout.strip().splitlines()[-1]
        return line.removeprefix(": && ").removesuffix(" && :")

    def compile_source(self, rel_path, text):
        """Compiles `text` as the core file `rel_path`; returns (object path or None, errors)."""
        if rel_path not in self.compile:
            raise BuildError(f"{rel_path} is not in {self.build_dir}/compile_commands.json")
        directory, command = self.compile[rel_path]
        digest = hashlib.sha256((" ".join(command) + "\0" + text).encode()).hexdigest()[:20]
        folder = os.path.join(self.work_dir, "obj", digest)
        obj = os.path.join(folder, os.path.basename(rel_path) + ".o")
        if os.path.exists(obj):
            return obj, ""
        os.makedirs(folder, exist_ok=True)
        source = os.path.join(folder, os.path.basename(rel_path))
        with open(source, "w") as f:
            f.write(text)
        args = []
        skip_next = False
        for i, arg in enumerate(command):
            if skip_next:
                skip_next = False
                continue
            if arg == "-Werror":
                continue
            if arg == "-o":
                args += ["-o", obj + ".tmp"]
                skip_next = True
                continue
            if arg == "-c":
                # Bounds-checked standard containers: a mutant that indexes out of range aborts
                # (a crash) instead of reading whatever the heap holds, which would make its
                # outcome depend on what the worker ran before.
                args += ["-D_GLIBCXX_ASSERTIONS", "-c", source]
                skip_next = True
                continue
            args.append(arg)
        result = run(args, cwd=directory)
        if result.returncode != 0:
            return None, result.stdout
        os.replace(obj + ".tmp", obj)
        return obj, ""

    def link_binary(self, objects, name):
        """Links vsrsim with `objects` replacing their members of libvsrsim_core.a."""
        if self.link is None:
            raise BuildError(f"no link command for reports/vsrsim in {self.build_dir}")
        folder = os.path.join(self.work_dir, "bin", name)
        os.makedirs(folder, exist_ok=True)
        archive = os.path.join(folder, "libvsrsim_core.a")
        shutil.copyfile(os.path.join(self.build_dir, "core", "libvsrsim_core.a"), archive)
        result = run(["ar", "r", archive] + list(objects))
        if result.returncode != 0:
            raise BuildError(f"ar failed: {result.stdout}")
        binary = os.path.join(folder, "vsrsim")
        command = self.link.replace("core/libvsrsim_core.a", archive)
        command = re.sub(r"-o reports/vsrsim\b", f"-o {binary}.tmp", command)
        result = run(["bash", "-c", command], cwd=self.build_dir)
        if result.returncode != 0:
            raise BuildError(f"linking {binary} failed:\n{result.stdout[-3000:]}")
        os.replace(binary + ".tmp", binary)
        return binary


def error_lines(output, source_name):
    """Line numbers of `source_name` that the compiler's diagnostics mention (errors, and the
    `required from here` of an error inside a template)."""
    pattern = re.compile(r"\b" + re.escape(source_name) + r":(\d+):\d+:")
    return sorted({int(m.group(1)) for m in pattern.finditer(output)})
