; Inno Setup script: wraps the PyInstaller folder (dist\sitrep) into an installer.
; Build on Windows after `pyinstaller packaging\sitrep.spec`:  iscc packaging\windows\sitrep.iss
#define AppVersion GetEnv("SITREP_VERSION")
#if AppVersion == ""
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6D0F2B0E-4A53-4C1B-9E36-5C1A7E9B3A11}
AppName=Sitrep
AppVersion={#AppVersion}
AppPublisher=Sitrep developers
DefaultDirName={autopf}\Sitrep
DefaultGroupName=Sitrep
OutputBaseFilename=sitrep-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
PrivilegesRequiredOverridesAllowed=dialog
ChangesAssociations=yes
ArchitecturesInstallIn64BitMode=x64compatible

[Files]
Source: "..\..\dist\sitrep\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\Sitrep"; Filename: "{app}\sitrep.exe"
Name: "{autodesktop}\Sitrep"; Filename: "{app}\sitrep.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Registry]
Root: HKA; Subkey: "Software\Classes\.sitrep"; ValueType: string; ValueData: "Sitrep.Project"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Sitrep.Project"; ValueType: string; ValueData: "Sitrep project"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Sitrep.Project\shell\open\command"; ValueType: string; ValueData: """{app}\sitrep.exe"" ""%1"""

[Run]
Filename: "{app}\sitrep.exe"; Description: "Start Sitrep"; Flags: nowait postinstall skipifsilent
