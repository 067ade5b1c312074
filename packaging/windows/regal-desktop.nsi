; Regal Desktop installer for Windows (NSIS 3, Unicode).
;
;   makensis -DVERSION=0.1.0 -DPAYLOAD=%CD%\dist\regal-desktop
;            -DOUTFILE=%CD%\dist\regal-desktop-0.1.0-setup.exe packaging\windows\regal-desktop.nsi
;
; makensis works in this script's folder (that is where it finds regal-desktop.ico), so
; give PAYLOAD and OUTFILE as absolute paths.
;
; PAYLOAD is the one-folder build PyInstaller makes from packaging/regal-desktop.spec
; (regal-desktop.exe and _internal\). The installer is per user: no administrator rights,
; files under %LOCALAPPDATA%\Programs\Regal Desktop, a Start-menu shortcut, and an entry in
; "Installed apps" (HKCU) with its uninstaller. Running a newer installer upgrades in place:
; same folder, old program files replaced, the user's data (%LOCALAPPDATA%\regal-desktop,
; kept by the application itself) untouched. Regal Desktop is under the Apache License 2.0:
; the installer shows LICENSE (no "I agree" needed) and installs it as LICENSE.txt.

Unicode true
!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"

!ifndef VERSION
  !error "define VERSION, e.g. -DVERSION=0.1.0"
!endif
!ifndef PAYLOAD
  !error "define PAYLOAD: the folder PyInstaller built (regal-desktop.exe and _internal)"
!endif
!ifndef OUTFILE
  !define OUTFILE "regal-desktop-${VERSION}-setup.exe"
!endif
; Windows wants four numbers in a file version; the build passes them when VERSION has
; fewer (0.1.0 -> 0.1.0.0).
!ifndef VERSION_QUAD
  !define VERSION_QUAD "${VERSION}.0"
!endif

!define APP_NAME "Regal Desktop"
!define APP_EXE "regal-desktop.exe"
!define PUBLISHER "Regal Desktop contributors"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\regal-desktop"

Name "${APP_NAME} ${VERSION}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
; An earlier install's folder wins over the default: that is what makes upgrades in place.
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
SetCompressor /SOLID lzma
ShowInstDetails nevershow
ShowUninstDetails nevershow

VIProductVersion "${VERSION_QUAD}"
VIAddVersionKey /LANG=1033 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=1033 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "FileDescription" "${APP_NAME} installer"
VIAddVersionKey /LANG=1033 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=1033 "LegalCopyright" "Copyright 2026 ${PUBLISHER}, Apache-2.0"

!define MUI_ICON "regal-desktop.ico"
!define MUI_UNICON "regal-desktop.ico"
!define MUI_ABORTWARNING

; The licence grants rights and asks nothing to be accepted: "Next", not "I Agree".
!define MUI_LICENSEPAGE_BUTTON "$(^NextBtn)"
!define MUI_LICENSEPAGE_TEXT_BOTTOM "${APP_NAME} is licensed under the Apache License, Version 2.0. A copy is installed beside the program as LICENSE.txt."
!insertmacro MUI_PAGE_LICENSE "../../LICENSE"
!define MUI_PAGE_CUSTOMFUNCTION_PRE SkipFolderOnUpgrade
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${APP_NAME}"
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"

Var Upgrading

Function .onInit
  ReadRegStr $0 HKCU "${UNINSTALL_KEY}" "InstallLocation"
  ${If} $0 != ""
    StrCpy $Upgrading "1"
  ${EndIf}
FunctionEnd

; An upgrade goes where the installed version is; asking for a folder would invite two copies.
Function SkipFolderOnUpgrade
  ${If} $Upgrading == "1"
    Abort
  ${EndIf}
FunctionEnd

; Windows refuses to delete a program that is running: that is how a running Regal Desktop
; shows itself. Ask the user to close it (its outbox survives) instead of half-replacing it.
!macro WaitUntilClosed EXE
  ${Do}
    ClearErrors
    Delete "${EXE}"
    ${IfNot} ${Errors}
      ${Break}
    ${EndIf}
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION \
      "${APP_NAME} is running. Close it (its outbox is kept), then click Retry." \
      /SD IDCANCEL IDRETRY +2
    Quit
  ${Loop}
!macroend

Section "Install"
  SetOutPath "$INSTDIR"
  ${If} ${FileExists} "$INSTDIR\${APP_EXE}"
    !insertmacro WaitUntilClosed "$INSTDIR\${APP_EXE}"
  ${EndIf}
  ; The previous version's libraries go first, so none of them lingers beside the new ones.
  RMDir /r "$INSTDIR\_internal"
  File /r "${PAYLOAD}/*.*"
  File "/oname=LICENSE.txt" "../../LICENSE"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE},0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" $0
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  ${If} ${FileExists} "$INSTDIR\${APP_EXE}"
    !insertmacro WaitUntilClosed "$INSTDIR\${APP_EXE}"
  ${EndIf}
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\LICENSE.txt"
  Delete "$INSTDIR\uninstall.exe"
  ; Only removed when empty: the folder may hold files the user put there.
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
SectionEnd
