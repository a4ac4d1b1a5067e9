import Foundation

// The stored documents of the two models a FULL sync writes most of, written directly (see
// `DirectlyWritten`). Each lists its coding keys in byte-wise sorted order; a member added to a
// model's `CodingKeys` must be added here too, which `DocumentEncoderTests` checks by comparing
// every member with Foundation's bytes.

extension Candidate: DirectlyWritten {
    func write(into writer: inout DocumentWriter) throws {
        try writer.object { w in
            w.key("applications")
            try w.array(applications) { w, item in try w.encoded(item) }
            w.key("changed_at")
            w.date(changedAt)
            w.key("company")
            w.string(company)
            w.key("confidential")
            w.bool(confidential)
            w.key("custom_fields")
            try w.members(customFields)
            w.key("email_addresses")
            w.array(emailAddresses) { w, item in
                w.object { w in
                    w.key("email_address")
                    w.string(item.emailAddress)
                    w.key("type")
                    w.string(item.type)
                }
            }
            w.key("first_name")
            w.string(firstName)
            w.key("id")
            w.string(id)
            w.key("integration_fields")
            try w.values(integrationFields)
            w.key("last_name")
            w.string(lastName)
            w.key("location")
            if let location { location.write(into: &w) } else { w.null() }
            w.key("phone_numbers")
            w.array(phoneNumbers) { w, item in
                w.object { w in
                    w.key("phone_number")
                    w.string(item.phoneNumber)
                    w.key("type")
                    w.string(item.type)
                }
            }
            w.key("remote_created_at")
            w.date(remoteCreatedAt)
            w.key("remote_data")
            try w.members(remoteData)
            w.key("remote_deleted_at")
            w.date(remoteDeletedAt)
            w.key("remote_id")
            w.string(remoteID)
            w.key("remote_updated_at")
            w.date(remoteUpdatedAt)
            w.key("remote_url")
            w.string(remoteURL)
            w.key("social_media")
            w.array(socialMedia) { w, item in
                w.object { w in
                    w.key("link")
                    w.string(item.link)
                    w.key("type")
                    w.string(item.type)
                    w.key("username")
                    w.string(item.username)
                }
            }
            w.key("source")
            w.string(source)
            w.key("tags")
            try w.values(tags)
            w.key("title")
            w.string(title)
        }
    }
}

extension Application: DirectlyWritten {
    func write(into writer: inout DocumentWriter) throws {
        try writer.object { w in
            w.key("candidate")
            try w.encoded(candidate)
            w.key("candidate_id")
            w.string(candidateID)
            w.key("changed_at")
            w.date(changedAt)
            w.key("current_stage")
            try w.encoded(currentStage)
            w.key("current_stage_id")
            w.string(currentStageID)
            w.key("custom_fields")
            try w.members(customFields)
            w.key("id")
            w.string(id)
            w.key("integration_fields")
            try w.values(integrationFields)
            w.key("interviews")
            try w.values(interviews)
            w.key("job")
            try w.encoded(job)
            w.key("job_id")
            w.string(jobID)
            w.key("offers")
            try w.values(offers)
            w.key("outcome")
            w.string(outcome)
            w.key("rejected_at")
            w.date(rejectedAt)
            w.key("rejection_reason_name")
            w.string(rejectionReasonName)
            w.key("remote_created_at")
            w.date(remoteCreatedAt)
            w.key("remote_data")
            try w.members(remoteData)
            w.key("remote_deleted_at")
            w.date(remoteDeletedAt)
            w.key("remote_id")
            w.string(remoteID)
            w.key("remote_updated_at")
            w.date(remoteUpdatedAt)
            w.key("remote_url")
            w.string(remoteURL)
            w.key("screening_question_answers")
            try w.values(screeningQuestionAnswers)
        }
    }
}

extension Location {
    func write(into writer: inout DocumentWriter) {
        writer.object { w in
            w.key("city")
            w.string(city)
            w.key("country")
            w.string(country)
            w.key("raw")
            w.string(raw)
            w.key("state")
            w.string(state)
            w.key("street_1")
            w.string(street1)
            w.key("street_2")
            w.string(street2)
            w.key("zip_code")
            w.string(zipCode)
        }
    }
}
