# diplograph in a small image: a static Go binary on distroless, run as a non-root user.
#   docker build -t diplograph .        (docker compose up builds it too)
# The build flags are the ones deploy_test.go checks for a static binary: keep the two in step.

FROM golang:1.26 AS build
WORKDIR /src
# Modules first, so editing the code does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /out/diplograph ./cmd/diplograph

# static-debian12 holds CA certificates (for neo4j+s:// URIs), tzdata and a nonroot user, no shell.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/diplograph /usr/local/bin/diplograph
ENV DIPLOGRAPH_ADDR=0.0.0.0:8080 \
    DIPLOGRAPH_LOG_FORMAT=json
EXPOSE 8080
# 65532 is the nonroot user of the distroless image.
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/diplograph"]
CMD ["serve"]
