//! SNMP notifications into OpenTelemetry: each notification one log record
//! ([`log_record`]), batched by a sans-IO [`Batcher`] (bounded buffer, retry with backoff,
//! drops counted) into OTLP `ExportLogsServiceRequest` bodies, for HTTP/protobuf
//! (`POST /v1/logs`) or gRPC ([`grpc_frame`], `LogsService/Export`). The transport is the
//! caller's (`snmp trapd` sends with hyper).
//!
//! ```
//! use std::time::{Duration, Instant};
//! use snmp_otlp::{proto, BatchConfig, Batcher};
//!
//! let mut b = Batcher::new(BatchConfig::default(), proto::Resource::default(), proto::InstrumentationScope::default());
//! let now = Instant::now();
//! b.push(proto::LogRecord::default(), now);
//! let request = b.poll_request(now + Duration::from_secs(1)).unwrap();
//! assert_eq!(request.records, 1);
//! b.on_success(now, 0);
//! ```

#![forbid(unsafe_code)]

mod batch;
pub mod proto;
mod record;

pub use batch::{grpc_frame, BatchConfig, BatchCounters, Batcher, Request};
pub use record::{log_record, Context, Level, SeverityRules};

/// The gRPC method of OTLP logs.
pub const GRPC_PATH: &str = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";

/// The HTTP path of OTLP logs.
pub const HTTP_PATH: &str = "/v1/logs";
