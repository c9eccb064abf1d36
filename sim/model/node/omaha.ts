/**
 * Omaha protocol codes the node reports (omaha_request_action.h) and update_engine's error codes
 * (CoreOS update_engine action_processor.h, `ActionExitCode`). Numbers, because they travel in
 * the machines' numeric context and in trace events.
 */

/** `<event eventtype=...>` */
export const OMAHA_EVENT = Object.freeze({
  UPDATE_COMPLETE: 3,
  DOWNLOAD_STARTED: 13,
  DOWNLOAD_FINISHED: 14,
});

/** `<event eventresult=...>` */
export const OMAHA_RESULT = Object.freeze({
  ERROR: 0,
  SUCCESS: 1,
  SUCCESS_REBOOT: 2,
});

/** `<event errorcode=...>` values the model produces. */
export const ERROR_CODE = Object.freeze({
  /** kActionCodeDownloadTransferError: the payload transfer failed. */
  DOWNLOAD_TRANSFER: 9,
  /** kActionCodeNewRootfsVerificationError: the written partition does not verify (bad disk). */
  NEW_ROOTFS_VERIFICATION: 15,
  /** The node came back on the previous version after an update (DESIGN.md section 1). */
  ROLLBACK: 44,
});

/**
 * What update_engine reports on its first check after a boot (update-engine.ts `pendingReport`,
 * boot.ts `bootKind`): nothing, 3/2 (the new version booted), or 3/0 with error 44 (rollback).
 */
export const BOOT_REPORT = Object.freeze({
  NONE: 0,
  SUCCESS_REBOOT: OMAHA_RESULT.SUCCESS_REBOOT,
  ROLLBACK: ERROR_CODE.ROLLBACK,
});
