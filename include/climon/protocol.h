/*
 * protocol.h: names and numbers shared by the agent, Client Setup and the
 * Client Configuration Manager. docs/protocol.md is the prose for each; a
 * change here is a change of the site protocol.
 */
#ifndef CLIMON_PROTOCOL_H
#define CLIMON_PROTOCOL_H

/* SMS.INI */
#define SMSINI_SECTION_SMS "SMS"
#define SMSINI_SECTION_SERVERS "Servers"
#define SMSINI_SECTION_LOCAL "Local"
#define SMSINI_KEY_COPYLIST_VERSION "CopyListVersion"
#define SMSINI_KEY_SITE_CODE "SiteCode"
#define SMSINI_KEY_UNIQUE_ID "SMS Unique ID"
#define SMSINI_KEY_SMS_PATH "SMSPath"
#define SMSINI_KEY_INVDATA_PATH "SMSInvDataPath"
#define SMSINI_KEY_LOGON_SERVER_PATH "LastLogonServerPath"
#define SMSINI_KEY_INVENTORY_BOX "InventoryCollectionPoint"
#define SMSINI_KEY_CCR_BOX "ConfigurationRequestPath"
#define SMSINI_KEY_DOMAIN "Domain"
#define SMSINI_KEY_LOGON_SERVER "CurrentLogonServer"
#define SMSINI_KEY_MACHINE_NAME "MachineName"

/* The logon server share */
#define SHARE_COPYLIST_FILE "CL_NT.TXT"
#define SHARE_SETUP_RELPATH "X86.BIN\\CLI_NT.EXE"
#define SHARE_INVENTORY_BOX "INVENTRY.BOX"
#define SHARE_CCR_BOX "CCR.BOX"
#define SHARE_CCR_RETRY "RETRY"
#define SHARE_COMPONENT_DIR "X86.BIN" /* component files live here */
/* Climon's own (issue 15): each client's status, <SMS Unique ID>.INI,
 * and the same as a custom MIF for SMS inventory in <SMSPath>\NOIDMIFS. */
#define SHARE_STATUS_BOX "CLIMON.BOX"
#define SMS_NOIDMIFS_DIR "NOIDMIFS"
#define CLIMON_MIF_NAME "CLIMON.MIF"

/* HKLM\SOFTWARE\Microsoft\SMS\Client Services: written by Client Setup
 * (what the client should run) and by the manager (what it changed). */
#define REG_CLIENT_SERVICES L"SOFTWARE\\Microsoft\\SMS\\Client Services"
#define REG_COMPONENTS_SUBKEY L"Components"           /* one subkey per component */
#define REGV_REBOOT_REQUIRED L"Reboot Required"       /* DWORD 1: restart needed */
#define REGV_LOGOFF_REQUIRED L"Logoff Required"       /* DWORD 1: logoff needed */
#define REGV_CHANGED_COMPONENTS L"Changed Components" /* SZ: display names, ", " */
#define REGV_CHANGE_ID L"Change Id"                   /* DWORD: a new one per change */
#define REGV_PROMPT_FOR_RESTART L"Prompt for Restart" /* DWORD, absent = 1 */
/* Under Components\<NAME> */
#define REGV_INSTALLED_VERSION L"Installed Version" /* SZ, set by the manager */
#define REGV_DESIRED_VERSION L"Desired Version"     /* SZ, set by Client Setup */
#define REGV_KIND L"Kind"                           /* SZ "service" / "program" */
#define REGV_DISPLAY_NAME L"Display Name"           /* SZ */

/* Client Setup (CLI_NT.EXE) exit codes */
#define SETUP_EXIT_OK 0             /* done; nothing for the manager */
#define SETUP_EXIT_REQUEST_FILED 10 /* done; a .CCR was filed for the manager */
#define SETUP_EXIT_LOGOFF_NEEDED 11 /* done; programs in use wait for a logoff */
#define SETUP_EXIT_USAGE 64         /* bad command line */
#define SETUP_EXIT_BAD_INPUT 65     /* SMS.INI or CL_NT.TXT rejected */
#define SETUP_EXIT_IO 74            /* a file could not be read or written */

/* The agent's own policy key and per-user state */
#define REG_POLICY_KEY L"SOFTWARE\\Policies\\Climon"
#define REG_RUN_KEY L"Software\\Microsoft\\Windows\\CurrentVersion\\Run"
#define REG_RUN_VALUE L"Climon"

#endif
