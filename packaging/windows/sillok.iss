; Inno Setup 6 script: per-user Sillok installer for Windows (build: packaging/windows/build_windows.ps1).
;
;   iscc /DAppVersion=0.1.0 packaging\windows\sillok.iss   ->  build\SillokSetup-0.1.0.exe
;
; Installs the PyInstaller bundle (build\dist\sillok) to %LOCALAPPDATA%\Programs\Sillok without admin
; rights, adds a Start-menu entry (and an optional desktop icon), and registers an uninstaller that asks
; whether to keep the user's data (%LOCALAPPDATA%\Sillok: indexes, conversations, settings).
;
; Silent / IT deployment (see docs/install.md):
;   SillokSetup-0.1.0.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART                 this user
;   SillokSetup-0.1.0.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /ALLUSERS       all users (admin),
;                                                      to C:\Program Files\Sillok
;   "%LOCALAPPDATA%\Programs\Sillok\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES    uninstall, data kept
;   ... unins000.exe /VERYSILENT /SUPPRESSMSGBOXES /REMOVEUSERDATA                 uninstall, data removed
;   /LOG="C:\path\setup.log" writes a log; /DIR="D:\Apps\Sillok" changes the folder; /TASKS="desktopicon".

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Sillok"
#define BundleDir "..\..\build\dist\sillok"

[Setup]
AppId={{6C0F8E4B-3D2A-4B8E-9F1C-5A7E2D9B4C31}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Sillok
DefaultDirName={autopf}\Sillok
DefaultGroupName=Sillok
DisableProgramGroupPage=yes
; Per-user by default (no UAC prompt); /ALLUSERS on the command line (or the dialog) installs for all.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\build
OutputBaseFilename=SillokSetup-{#AppVersion}
SetupIconFile=sillok.ico
UninstallDisplayIcon={app}\sillok-desktop.exe
UninstallDisplayName={#AppName}
Compression=lzma2/normal
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "korean"; MessagesFile: "compiler:Languages\Korean.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
english.RemoveUserData=Also delete your Sillok data (document indexes, conversations and settings) in%n%1?%n%nChoose No to keep it for a later reinstall.
korean.RemoveUserData=실록 데이터(문서 색인, 대화 기록, 설정)도 삭제할까요?%n%1%n%n다시 설치할 때 쓰려면 [아니요]를 누르세요.
english.SelfTest=Check the installation (runs a short offline self-test)
korean.SelfTest=설치 점검(짧은 오프라인 자체 점검 실행)

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Sillok"; Filename: "{app}\sillok-desktop.exe"; Comment: "Sillok (실록)"
Name: "{autodesktop}\Sillok"; Filename: "{app}\sillok-desktop.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\sillok-desktop.exe"; Description: "{cm:LaunchProgram,Sillok}"; Flags: nowait postinstall skipifsilent
Filename: "{app}\sillok.exe"; Parameters: "--self-test"; Description: "{cm:SelfTest}"; Flags: postinstall skipifsilent unchecked runhidden waituntilterminated

[Code]
function CmdLineHas(const S: String): Boolean;
var
  I: Integer;
begin
  Result := False;
  for I := 1 to ParamCount do
    if CompareText(ParamStr(I), S) = 0 then
    begin
      Result := True;
      Exit;
    end;
end;

// After the program files are gone: ask whether the user's data goes too. Silent uninstalls keep
// it unless /REMOVEUSERDATA is given (an IT script must never delete data by surprise).
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
  Remove: Boolean;
begin
  if CurUninstallStep <> usPostUninstall then
    Exit;
  // platformdirs.user_data_dir("Sillok", appauthor=False) on Windows (core/settings.py default_home)
  DataDir := ExpandConstant('{localappdata}\Sillok');
  if not DirExists(DataDir) then
    Exit;
  if UninstallSilent then
    Remove := CmdLineHas('/REMOVEUSERDATA')
  else
    Remove := MsgBox(FmtMessage(CustomMessage('RemoveUserData'), [DataDir]), mbConfirmation,
                     MB_YESNO or MB_DEFBUTTON2) = IDYES;
  if Remove then
    DelTree(DataDir, True, True, True);
end;
