//! What the guest may call: the `host` interface of the world, on the extension's own IPC.

use std::time::{Duration, Instant};

use ferrolens_ipc::{Args, Encoded, ErrorCode, HandlerError, InvokeOptions, IpcError, IpcEvent};

use crate::bindings::ferrolens::extension::host::Host;
use crate::bindings::ferrolens::extension::types::{
    Host as TypesHost, IpcError as WitIpcError, ListenerId, LogLevel,
};
use crate::error::ipc_error_record;
use crate::events;
use crate::limits::MAX_WAIT;
use crate::sandbox::Sandbox;
use crate::state::{HostState, DATA_DIR_GUEST_PATH};

/// The longest log line kept from the guest, in bytes; the rest is cut.
pub const MAX_LOG_LINE: usize = 4096;

impl TypesHost for HostState {}

impl Host for HostState {
    fn extension_id(&mut self) -> String {
        self.activation.extension().to_string()
    }

    fn listen(&mut self, channel: String) -> Result<ListenerId, WitIpcError> {
        let id = self.activation.next_listener();
        let listener = events::listener(&self.activation, id);
        let disposer = self
            .activation
            .ipc
            .listen(&channel, listener)
            .map_err(|err| ipc_error_record(&err))?;
        self.listeners.insert(id, disposer);
        Ok(id)
    }

    fn unlisten(&mut self, listener: ListenerId) {
        if let Some(disposer) = self.listeners.remove(&listener) {
            disposer.dispose();
        }
    }

    fn handle(&mut self, channel: String) -> Result<(), WitIpcError> {
        if self.handled.contains(&channel) {
            let err = IpcError::new(
                ErrorCode::HandlerExists,
                format!("a handler is already registered for channel {channel:?}"),
            );
            return Err(ipc_error_record(&err));
        }
        let mut registered = self.activation.registered.lock();
        if !registered.contains(&channel) {
            let sandbox = self.activation.sandbox.get().cloned();
            let answer = move |event: IpcEvent, args: Encoded| {
                let sandbox = sandbox.as_ref().and_then(|weak| weak.upgrade());
                async move {
                    match sandbox {
                        Some(sandbox) => Sandbox::answer(sandbox, event, args).await,
                        None => Err(HandlerError::from(IpcError::new(
                            ErrorCode::ExtensionNotActive,
                            "the extension's WebAssembly instance is gone",
                        ))),
                    }
                }
            };
            self.activation
                .ipc
                .handle_encoded(&channel, answer)
                .map_err(|err| ipc_error_record(&err))?;
            registered.insert(channel.clone());
        }
        self.handled.insert(channel);
        Ok(())
    }

    fn broadcast(&mut self, channel: String, args: Vec<u8>) -> Result<(), WitIpcError> {
        let args = Args::decode(&args).map_err(|err| ipc_error_record(&err))?;
        self.activation
            .ipc
            .broadcast(&channel, args)
            .map_err(|err| ipc_error_record(&err))
    }

    async fn request(
        &mut self,
        frame: String,
        channel: String,
        args: Vec<u8>,
        timeout_ms: Option<u32>,
    ) -> Result<Vec<u8>, WitIpcError> {
        let args = Args::decode(&args).map_err(|err| ipc_error_record(&err))?;
        let timeout = timeout_ms
            .map(|ms| Duration::from_millis(ms.into()))
            .unwrap_or(self.activation.limits.request_timeout);
        let options = InvokeOptions {
            timeout: Some(timeout),
            cancel: None,
        };
        let ipc = self.activation.ipc.clone();
        let interrupt = self.activation.interrupt.clone();
        let request = self.request.clone();
        let waiting = Instant::now();
        let answer = tokio::select! {
            answer = ipc.request(&frame, &channel, args, options) => answer,
            // The call this request serves was cancelled: its answer is no longer wanted.
            () = cancelled(request.as_ref()) => Err(IpcError::new(
                ErrorCode::Cancelled,
                format!("the call that asked frame {frame:?} was cancelled"),
            )),
            () = interrupt.cancelled() => Err(IpcError::new(
                ErrorCode::ExtensionDeactivated,
                format!(
                    "extension {} was deactivated while waiting for frame {frame:?}",
                    self.activation.extension()
                ),
            )),
        };
        self.clock.waited(waiting.elapsed());
        let answer = answer.and_then(|graph| {
            ferrolens_value::try_encode(&graph).map_err(|err| {
                IpcError::new(
                    ErrorCode::BadPayload,
                    format!("the frame's answer cannot be encoded: {err}"),
                )
            })
        });
        answer.map_err(|err| ipc_error_record(&err))
    }

    fn cancelled(&mut self) -> bool {
        self.request.as_ref().is_some_and(IpcEvent::is_cancelled)
            || (self.request.is_some() && self.activation.closing.is_cancelled())
    }

    async fn wait(&mut self, ms: u32) -> bool {
        let duration = Duration::from_millis(ms.into()).min(MAX_WAIT);
        let request = self.request.clone();
        let closing = self.activation.closing.clone();
        let interrupt = self.activation.interrupt.clone();
        let waiting = Instant::now();
        let was_cancelled = tokio::select! {
            () = tokio::time::sleep(duration) => false,
            () = cancelled(request.as_ref()) => true,
            () = closing.cancelled() => true,
            () = interrupt.cancelled() => true,
        };
        // Free while answering a request, whose caller bounds it (a timeout, an abort); in a
        // listener or a lifecycle hook nothing else would, so there it counts.
        if request.is_some() {
            self.clock.waited(waiting.elapsed());
        }
        was_cancelled
    }

    fn log(&mut self, level: LogLevel, message: String) {
        let level = match level {
            LogLevel::Error => log::Level::Error,
            LogLevel::Warn => log::Level::Warn,
            LogLevel::Info => log::Level::Info,
            LogLevel::Debug => log::Level::Debug,
            LogLevel::Trace => log::Level::Trace,
        };
        let mut message = message;
        if message.len() > MAX_LOG_LINE {
            let mut end = MAX_LOG_LINE;
            while !message.is_char_boundary(end) {
                end -= 1;
            }
            message.truncate(end);
            message.push_str(" (cut)");
        }
        let extension = self.activation.extension();
        log::log!(target: "ferrolens::extension", level, "{extension}: {message}");
    }

    fn data_dir(&mut self) -> Option<String> {
        self.activation
            .data_dir
            .as_ref()
            .map(|_| DATA_DIR_GUEST_PATH.to_string())
    }
}

/// Resolves when `request` (the call being answered, if any) is cancelled.
async fn cancelled(request: Option<&IpcEvent>) {
    match request {
        Some(request) => request.cancelled().await,
        None => std::future::pending().await,
    }
}
