import AsyncHTTPClient
import Foundation
import JunctionConnectors
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Downloads an attachment's `data_url` for a write.
public protocol AttachmentFetcher: Sendable {
    /// The file at `url`, or a message saying why not (for the caller to name the field).
    func fetch(_ url: String) async -> Result<DownloadedFile, AttachmentFetchError>
}

/// A downloaded file and the media type its server gave it.
public struct DownloadedFile: Sendable, Equatable {
    public var data: Data
    /// The `Content-Type` answered, reduced to `type/subtype` (nil when absent or malformed).
    public var contentType: String?

    public init(data: Data, contentType: String?) {
        self.data = data
        self.contentType = contentType
    }
}

public struct AttachmentFetchError: Error, Sendable, Equatable {
    public var message: String
}

/// Fetches through the outbound-request policy: public addresses only (unless the operator
/// allows private ranges), the checked address connected to, redirects not followed (a
/// redirect answers as a failed download), a size cap and a deadline.
public struct HTTPAttachmentFetcher: AttachmentFetcher {
    let outbound: OutboundRequests
    let maxBytes: Int
    let timeout: TimeAmount

    public init(outbound: OutboundRequests, maxBytes: Int, timeout: TimeAmount = .seconds(20)) {
        self.outbound = outbound
        self.maxBytes = maxBytes
        self.timeout = timeout
    }

    public func fetch(_ url: String) async -> Result<DownloadedFile, AttachmentFetchError> {
        switch await outbound.execute(HTTPClientRequest(url: url), timeout: timeout, maxBytes: maxBytes) {
        case .success(let response):
            guard response.status == .ok else {
                return .failure(.init(message: "downloading it answered HTTP \(response.status.code)"))
            }
            return .success(
                DownloadedFile(
                    data: Data(buffer: response.body),
                    contentType: FileTypes.essence(of: response.headers.first(name: "content-type"))))
        case .failure(let error) where error.kind == .tooLarge:
            return .failure(.init(message: "the file is larger than \(maxBytes) bytes"))
        case .failure(let error):
            return .failure(.init(message: "it could not be downloaded: \(error.message)"))
        }
    }
}
